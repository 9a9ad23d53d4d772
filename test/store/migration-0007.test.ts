// 0007_annotator_masks: a version-6 workspace with tags and verdicts by three annotators is migrated; the bits, masks
// and mask counts it fills are the ones a workspace kept up to date by the triggers since its creation holds, and the
// dashboards for any set of annotators answer alike on both.
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
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-mig7-'));
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

const KEPT = ['annotator_bits', 'response_masks', 'label_masks', 'review_mask_counts', 'step_mask_counts', 'label_mask_counts', 'pair_mask_counts'];
/** A kept table's rows in key order; counts that went up and down again to zero are left out. */
function rows(store: Store, table: string): unknown[] {
  const width = store.db.prepare(`SELECT COUNT(*) FROM pragma_table_info('${table}')`).pluck().get() as number;
  const order = Array.from({ length: width }, (_, i) => i + 1).join(', ');
  return store.db.prepare(`SELECT * FROM ${table} ${table.endsWith('_counts') ? 'WHERE n <> 0' : ''} ORDER BY ${order}`).raw().all();
}

describe('0007_annotator_masks', () => {
  it('migrates a version-6 workspace and fills the masks and their counts exactly as triggers keep them', async () => {
    // The reference: the demo at the current schema, annotated through the service by three annotators.
    const ref = openStore(path.join(dir, 'ref.db'));
    await buildDemo(ref, undefined, { checks: false });
    const svc = createService(ref, { annotator: 'ana' });
    const ids = ref.db.prepare('SELECT id FROM responses ORDER BY id').pluck().all() as number[];
    const some = ids.filter((_, i) => i % 3 === 0);
    const names = ['ana', 'bob', 'cy'];
    for (const [i, id] of some.entries()) {
      // Each response by one or two of them, so that masks of several bits occur.
      for (const who of i % 4 === 0 ? [names[i % 3], names[(i + 1) % 3]] : [names[i % 3]]) {
        await call(svc, 'setAnnotator', { name: who });
        const t = await call(svc, 'createTag', { responseId: id, label: i % 4 ? 'inconsistent' : 'overlooked-cue', steps: [i % 2, i % 2] });
        if (i % 5 === 0) await call(svc, 'createTag', { responseId: id, label: 'hallucination', span: [30, 40] });
        if (i % 7 === 0) await call(svc, 'deleteTag', { uuid: t.uuid });
        await call(svc, 'setVerdict', { responseId: id, supports: (['yes', 'no', 'unclear'] as const)[(i + who.length) % 3], reviewStatus: i % 2 ? 'done' : 'todo' });
      }
    }
    await call(svc, 'setAnnotator', { name: 'ana' });

    // The same data in a version-6 workspace (what the previous release wrote; its 0004 triggers keep the marks).
    const file = path.join(dir, 'w.db');
    const old = openStore(file, { migrationsDir: upTo(6) });
    old.db.exec(`ATTACH '${ref.file}' AS ref`);
    old.db.transaction(() => {
      old.db.exec('DELETE FROM labels');
      for (const t of ['datasets', 'samples', 'media', 'runs', 'imports', 'import_skips', 'responses', 'run_samples', 'labels', 'annotators', 'tags', 'verdicts', 'history', 'settings']) {
        old.db.exec(`INSERT INTO main.${t} SELECT * FROM ref.${t}`);
      }
      old.db.exec("INSERT INTO responses_fts (responses_fts) VALUES ('rebuild')");
    })();
    old.db.exec('DETACH ref');
    expect(old.db.prepare("SELECT name FROM sqlite_master WHERE name = 'annotator_bits'").get()).toBeUndefined();
    const before = {
      tags: old.db.prepare('SELECT * FROM tags ORDER BY id').all(),
      verdicts: old.db.prepare('SELECT * FROM verdicts ORDER BY id').all(),
      marks: old.db.prepare('SELECT * FROM review_marks ORDER BY akey, response_id').all(),
    };
    old.close();

    const store = openStore(file, { migrationsDir: upTo(7) });
    try {
      expect(store.migration).toMatchObject({ from: 6, to: 7 });
      const { db } = store;
      expect(db.prepare('SELECT * FROM tags ORDER BY id').all()).toEqual(before.tags);
      expect(db.prepare('SELECT * FROM verdicts ORDER BY id').all()).toEqual(before.verdicts);
      expect(db.prepare('SELECT * FROM review_marks ORDER BY akey, response_id').all()).toEqual(before.marks);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');

      // Bits in the order annotators were created.
      expect(db.prepare('SELECT a.name, b.bit FROM annotators a JOIN annotator_bits b ON b.annotator_id = a.id ORDER BY b.bit').raw().all()).toEqual(
        db.prepare('SELECT name, ROW_NUMBER() OVER (ORDER BY id) - 1 FROM annotators ORDER BY id').raw().all(),
      );
      // Masks of several annotators are there to compare.
      expect(db.prepare('SELECT COUNT(*) FROM response_masks WHERE rmask & (rmask - 1) <> 0').pluck().get()).toBeGreaterThan(0);
      expect(rows(store, 'pair_mask_counts').length).toBeGreaterThan(0);
      expect(rows(store, 'step_mask_counts').length).toBeGreaterThan(0);
      for (const t of KEPT) expect(rows(store, t), t).toEqual(rows(ref, t));

      const migrated = createService(store, { annotator: 'ana' });
      const filters = [{}, { annotators: ['bob'] }, { annotators: ['ana', 'bob'] }, { annotators: ['bob', 'cy'], levels: ['L2'] }, { annotators: ['ana', 'cy'], runs: ['sft'] }];
      for (const filter of filters) {
        expect(await call(migrated, 'getDashboard', filter as never), JSON.stringify(filter)).toEqual(await call(svc, 'getDashboard', filter as never));
      }
      // And the masks go on being kept: a new tag by a new annotator (a new bit) lands in both.
      for (const s of [migrated, svc]) {
        await call(s, 'setAnnotator', { name: 'dee' });
        await call(s, 'createTag', { responseId: some[1], label: 'temporal-order', steps: [0, 0] });
      }
      for (const t of KEPT) expect(rows(store, t), t).toEqual(rows(ref, t));
      expect(await call(migrated, 'getDashboard', { annotators: ['ana', 'dee'] })).toEqual(await call(svc, 'getDashboard', { annotators: ['ana', 'dee'] }));
    } finally {
      store.close();
      ref.close();
    }
  });
});
