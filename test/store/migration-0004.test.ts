// 0004_aggregates: a version-3 workspace with runs, tags and verdicts is migrated; the counts it fills are the ones a
// workspace kept up to date since its creation holds, and the compare matrix and dashboard answer alike on both.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildDemo } from '../../electron/core/demo.ts';
import { dispatch } from '../../electron/core/dispatch.ts';
import { loadMigrations } from '../../electron/core/migrate.ts';
import { createService, type Service } from '../../electron/core/service.ts';
import { openStore, type Store } from '../../electron/core/store.ts';
import type { Input, MethodName, Output } from '../../shared/api.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-mig4-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

async function call<M extends MethodName>(service: Service, method: M, input?: Input<M>): Promise<Output<M>> {
  const r = await dispatch(service, method, input);
  if (!r.ok) throw new Error(r.error.message);
  return r.value as Output<M>;
}

/** Migrations 0001 … 000n only, as an older cotscope shipped them. */
function upTo(n: number): string {
  const d = path.join(dir, `migrations-v${n}`);
  fs.mkdirSync(d);
  for (const m of loadMigrations().slice(0, n)) fs.writeFileSync(path.join(d, m.name), m.sql);
  return d;
}

const KEPT = ['run_samples', 'review_marks', 'label_marks', 'review_counts', 'label_counts', 'pair_counts'];
/** A kept table's rows in key order; counters that went up and down again to zero are left out. */
function rows(store: Store, table: string): unknown[] {
  const all = store.db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2, 3, 4, 5, 6`).all() as Record<string, unknown>[];
  if (!table.endsWith('_counts')) return all;
  const keys = new Set(['akey', 'run_id', 'label_id', 'label_a', 'label_b']);
  return all.filter((r) => Object.entries(r).some(([k, v]) => !keys.has(k) && typeof v === 'number' && v !== 0));
}

describe('0004_aggregates', () => {
  it('migrates a version-3 workspace and fills the kept counts exactly as triggers keep them', async () => {
    // The reference: the demo at the current schema, annotated through the service (triggers keep its counts).
    const ref = openStore(path.join(dir, 'ref.db'));
    await buildDemo(ref, undefined, { checks: false });
    const svc = createService(ref, { annotator: 'ana' });
    const some = (ref.db.prepare('SELECT id FROM responses ORDER BY id').pluck().all() as number[]).filter((_, i) => i % 3 === 0);
    for (const [i, id] of some.entries()) {
      await call(svc, 'setAnnotator', { name: i % 2 ? 'bob' : 'ana' });
      const t = await call(svc, 'createTag', { responseId: id, label: i % 4 ? 'inconsistent' : 'overlooked-cue', steps: [0, 0] });
      if (i % 5 === 0) await call(svc, 'createTag', { responseId: id, label: 'hallucination', span: [30, 40] });
      if (i % 7 === 0) await call(svc, 'deleteTag', { uuid: t.uuid });
      await call(svc, 'setVerdict', { responseId: id, supports: (['yes', 'no', 'unclear'] as const)[i % 3], reviewStatus: i % 2 ? 'done' : 'todo' });
    }
    await call(svc, 'setAnnotator', { name: 'ana' });

    // The same data in a version-3 workspace (what the previous release wrote).
    const file = path.join(dir, 'w.db');
    const old = openStore(file, { migrationsDir: upTo(3) });
    old.db.exec(`ATTACH '${ref.file}' AS ref`);
    old.db.transaction(() => {
      old.db.exec('DELETE FROM labels');
      for (const t of ['datasets', 'samples', 'media', 'runs', 'imports', 'import_skips', 'responses', 'labels', 'annotators', 'tags', 'verdicts', 'history', 'settings']) {
        old.db.exec(`INSERT INTO main.${t} SELECT * FROM ref.${t}`);
      }
      old.db.exec("INSERT INTO responses_fts (responses_fts) VALUES ('rebuild')");
    })();
    old.db.exec('DETACH ref');
    expect(old.db.prepare("SELECT name FROM sqlite_master WHERE name = 'run_samples'").get()).toBeUndefined();
    const before = {
      responses: old.db.prepare('SELECT id, run_id, sample_id, rollout, correct, prediction FROM responses ORDER BY id').all(),
      tags: old.db.prepare('SELECT * FROM tags ORDER BY id').all(),
      verdicts: old.db.prepare('SELECT * FROM verdicts ORDER BY id').all(),
    };
    old.close();

    const store = openStore(file, { migrationsDir: upTo(4) });
    try {
      expect(store.migration).toMatchObject({ from: 3, to: 4 });
      expect(fs.existsSync(store.migration.backup!)).toBe(true);
      const { db } = store;
      expect(db.prepare('SELECT id, run_id, sample_id, rollout, correct, prediction FROM responses ORDER BY id').all()).toEqual(before.responses);
      expect(db.prepare('SELECT * FROM tags ORDER BY id').all()).toEqual(before.tags);
      expect(db.prepare('SELECT * FROM verdicts ORDER BY id').all()).toEqual(before.verdicts);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');

      expect(rows(store, 'review_marks').length).toBeGreaterThan(10);
      expect(rows(store, 'pair_counts').length).toBeGreaterThan(0);
      for (const t of KEPT) expect(rows(store, t), t).toEqual(rows(ref, t));
      // run_samples against the responses themselves.
      expect(db.prepare('SELECT run_id, sample_id, responses, correct FROM run_samples ORDER BY 1, 2').all()).toEqual(
        db.prepare('SELECT run_id, sample_id, COUNT(*) AS responses, SUM(correct) AS correct FROM responses GROUP BY 1, 2 ORDER BY 1, 2').all(),
      );

      const migrated = createService(store, { annotator: 'ana' });
      for (const [m, input] of [
        ['compareMatrix', { runs: ['rl-grpo', 'sft'] }],
        ['compareMatrix', { runs: ['rl-grpo-k4', 'rl-grpo'] }],
        ['getDashboard', {}],
        ['getDashboard', { annotators: ['bob'] }],
        ['listCompareQuestions', { filter: { runs: ['rl-grpo', 'sft', 'rl-grpo-k4'], rightFlawed: true } }],
      ] as const) {
        expect(await call(migrated, m, input as never), m).toEqual(await call(svc, m, input as never));
      }
      // And the kept counts go on being kept: a new tag lands in both.
      await call(migrated, 'createTag', { responseId: some[1], label: 'temporal-order', steps: [0, 0] });
      await call(svc, 'createTag', { responseId: some[1], label: 'temporal-order', steps: [0, 0] });
      for (const t of KEPT) expect(rows(store, t), t).toEqual(rows(ref, t));
    } finally {
      store.close();
      ref.close();
    }
  });
});
