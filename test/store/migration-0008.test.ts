// 0008_list_paths: a version-7 workspace with runs, tags and verdicts is migrated; its drill-downs, sorted lists and
// compare walk answer exactly as before, now through the new indexes, and go on doing so as tags are written.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildDemo } from '../../electron/core/demo.ts';
import { dispatch } from '../../electron/core/dispatch.ts';
import { loadMigrations } from '../../electron/core/migrate.ts';
import type { ListQuery } from '../../electron/core/response-list.ts';
import { createService, serviceInternals, type Service } from '../../electron/core/service.ts';
import { openStore, type Store } from '../../electron/core/store.ts';
import type { Input, MethodName, Output, ResponsePage } from '../../shared/api.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-mig8-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

async function call<M extends MethodName>(service: Service, method: M, input?: Input<M>): Promise<Output<M>> {
  const r = await dispatch(service, method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as Output<M>;
}

/** Migrations 0001 … 000n only, as an older cotscope shipped them. */
function upTo(n: number): string {
  const d = path.join(dir, `migrations-v${n}`);
  if (fs.existsSync(d)) return d;
  fs.mkdirSync(d);
  for (const m of loadMigrations().slice(0, n)) fs.writeFileSync(path.join(d, m.name), m.sql);
  return d;
}

/** What the user sees: drill-downs of the dashboard, the sorted lists and the compare walk. */
const VIEWS: [MethodName, object][] = [
  ['listResponses', { filter: { runs: ['rl-grpo'], firstStep: [0, 0.1] } }],
  ['listResponses', { filter: { runs: ['rl-grpo'], firstStep: [0, 0.1], by: ['bob'] }, order: 'desc' }],
  ['listResponses', { filter: { runs: ['rl-grpo'], correct: false, consensus: 'no' } }],
  ['listResponses', { filter: { runs: ['sft'], correct: true, consensus: 'yes', by: ['ana'] } }],
  ['listResponses', { filter: { runs: ['rl-grpo'], labels: ['inconsistent'], by: ['ana'] } }],
  ['listResponses', { filter: { runs: ['rl-grpo'], levels: ['L1'], labels: ['hallucination'] } }],
  ['listResponses', { filter: {}, sort: 'steps', order: 'desc', limit: 10 }],
  ['listResponses', { filter: { runs: ['sft'] }, sort: 'steps', limit: 10, offset: 3 }],
  ['listResponses', { filter: {}, sort: 'tags', order: 'desc', limit: 10 }],
  ['listResponses', { filter: { correct: true }, sort: 'tags', order: 'asc', limit: 10, offset: 5 }],
  ['listCompareQuestions', { filter: { runs: ['rl-grpo', 'sft', 'rl-grpo-k4'] } }],
  ['listCompareQuestions', { filter: { runs: ['rl-grpo', 'sft'], disagree: true } }],
];

/**
 * The response lists of VIEWS as the general statements answer them (x.id IN …, ORDER BY the sort's keys, no index
 * of migration 0008): what cotscope answered before this migration.
 */
function generalLists(service: Service): { total: number; ids: number[] }[] {
  const { list, annotator } = serviceInternals(service);
  const me = annotator.id();
  return VIEWS.filter(([m]) => m === 'listResponses').map(([, input]) => {
    const { filter, sort = 'sample', order = 'asc', offset = 0, limit = 100 } = input as Input<'listResponses'>;
    const q: ListQuery = { ...list.build(filter ?? {}, sort, order, me), marks: null, tagged: null };
    if (sort !== 'sample') q.orderIndex = null;
    const page = list.page(q, offset, limit, me);
    return { total: page.total, ids: page.rows.map((r) => r.id) };
  });
}

async function lists(service: Service) {
  const out: { total: number; ids: number[] }[] = [];
  for (const [m, input] of VIEWS) {
    if (m !== 'listResponses') continue;
    const page = (await call(service, m, input as never)) as ResponsePage;
    out.push({ total: page.total, ids: page.rows.map((r) => r.id) });
  }
  return out;
}

async function views(service: Service) {
  const out: unknown[] = [];
  for (const [m, input] of VIEWS) out.push(await call(service, m, input as never));
  return out;
}

const NEW_INDEXES = ['review_marks_bin', 'review_marks_cons', 'review_marks_tags', 'label_marks_label', 'responses_steps', 'responses_predictions'];

describe('0008_list_paths', () => {
  it('migrates a version-7 workspace: every list answers as before, through the new indexes', async () => {
    const file = path.join(dir, 'w.db');
    const old = openStore(file, { migrationsDir: upTo(7) });
    await buildDemo(old, undefined, { checks: false });
    const svc = createService(old, { annotator: 'ana' });
    const rows = old.db.prepare('SELECT id, step_count FROM responses ORDER BY id').raw().all() as [number, number][];
    const ids = rows.map(([id]) => id);
    for (const [i, [id, steps]] of rows.entries()) {
      if (i % 3 === 2) continue;
      await call(svc, 'setAnnotator', { name: i % 2 ? 'bob' : 'ana' });
      await call(svc, 'createTag', { responseId: id, label: i % 4 ? 'inconsistent' : 'hallucination', steps: i % 3 === 1 ? [steps - 1, steps - 1] : [0, 0] });
      if (i % 5 === 0) await call(svc, 'createTag', { responseId: id, label: 'hallucination', steps: [0, 0] });
      await call(svc, 'setVerdict', { responseId: id, supports: (['yes', 'no', 'unclear'] as const)[i % 3] });
    }
    await call(svc, 'setAnnotator', { name: 'ana' });
    const before = generalLists(svc);
    // The lists are not empty: the comparison says something.
    for (const [i, l] of before.entries()) expect(l.total, JSON.stringify(VIEWS[i])).toBeGreaterThan(0);
    const indexes = (s: Store) => s.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").pluck().all() as string[];
    for (const name of NEW_INDEXES) expect(indexes(old)).not.toContain(name);
    old.close();

    const store = openStore(file, { migrationsDir: upTo(8) });
    try {
      expect(store.migration).toMatchObject({ from: 7, to: 8 });
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      for (const name of NEW_INDEXES) expect(indexes(store)).toContain(name);
      const migrated = createService(store, { annotator: 'ana' });
      expect(await lists(migrated)).toEqual(before);

      // The first-step drill's total is a count over review_marks_bin alone, its page a walk of it.
      const plan = (sql: string, ...params: unknown[]) =>
        (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
      expect(plan('SELECT COUNT(*) FROM review_marks m INDEXED BY review_marks_bin WHERE m.akey = 0 AND min(9, 10 * m.first_step / m.step_count) = 0')).toBe(
        'SEARCH m USING COVERING INDEX review_marks_bin (<expr>=? AND akey=?)',
      );
      expect(plan('SELECT x.id FROM responses x ORDER BY x.step_count DESC, x.sample_id DESC, x.run_id DESC, x.rollout DESC LIMIT 5')).toBe(
        'SCAN x USING COVERING INDEX responses_steps',
      );

      // Written after the migration, tags and verdicts move the lists exactly as on a workspace made at version 8.
      await call(migrated, 'createTag', { responseId: ids[2], label: 'hallucination', steps: [0, 0] });
      await call(migrated, 'setVerdict', { responseId: ids[5], supports: 'no' });
      const fresh = openStore(path.join(dir, 'fresh.db'), { migrationsDir: upTo(8) });
      try {
        expect(fresh.db.pragma('user_version', { simple: true })).toBe(8);
        fresh.db.exec(`ATTACH '${file}' AS w`);
        fresh.db.transaction(() => {
          fresh.db.exec('DELETE FROM labels');
          for (const t of ['datasets', 'samples', 'media', 'runs', 'imports', 'import_skips', 'responses', 'labels', 'annotators', 'tags', 'verdicts', 'history', 'settings', 'run_samples']) {
            fresh.db.exec(`INSERT INTO main.${t} SELECT * FROM w.${t}`);
          }
        })();
        fresh.db.exec('DETACH w');
        const ref = createService(fresh, { annotator: 'ana' });
        expect(await views(migrated)).toEqual(await views(ref));
      } finally {
        fresh.close();
      }
    } finally {
      store.close();
    }
  });
});
