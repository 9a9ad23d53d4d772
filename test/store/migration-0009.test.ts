// 0009_suggestions: a version-8 workspace with people's tags and verdicts (and a tag of origin 'suggestion' such as a
// hand-made pack could bring) is migrated: nothing it held changes or stops counting, and from then on the automatic
// checks' suggestions are written beside it without touching any count a dashboard reads.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildDemo } from '../../electron/core/demo.ts';
import { dispatch } from '../../electron/core/dispatch.ts';
import { loadMigrations } from '../../electron/core/migrate.ts';
import { createService, type Service } from '../../electron/core/service.ts';
import { openStore, type Store } from '../../electron/core/store.ts';
import { SuggestionWriter } from '../../electron/core/suggestions.ts';
import type { Input, MethodName, Output } from '../../shared/api.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-mig9-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

async function call<M extends MethodName>(service: Service, method: M, input?: Input<M>): Promise<Output<M>> {
  const r = await dispatch(service, method, input);
  if (!r.ok) throw new Error(r.error.message);
  return r.value as Output<M>;
}

function upTo(n: number): string {
  const d = path.join(dir, `migrations-v${n}`);
  fs.mkdirSync(d);
  for (const m of loadMigrations().slice(0, n)) fs.writeFileSync(path.join(d, m.name), m.sql);
  return d;
}

/** Every table the dashboards, the list's mark filters and agreement read, in key order. */
const KEPT = ['review_marks', 'label_marks', 'review_counts', 'label_counts', 'pair_counts', 'response_masks', 'label_masks', 'review_mask_counts', 'step_mask_counts', 'label_mask_counts', 'pair_mask_counts', 'annotator_bits'];
function kept(store: Store): Record<string, unknown[]> {
  return Object.fromEntries(
    KEPT.map((t) => {
      const width = store.db.prepare(`SELECT COUNT(*) FROM pragma_table_info('${t}')`).pluck().get() as number;
      const order = Array.from({ length: width }, (_, i) => i + 1).join(', ');
      return [t, store.db.prepare(`SELECT * FROM ${t} ${t.endsWith('_counts') && t !== 'review_counts' && t !== 'label_counts' && t !== 'pair_counts' ? 'WHERE n <> 0' : ''} ORDER BY ${order}`).raw().all()];
    }),
  );
}

describe('0009_suggestions', () => {
  it("migrates a version-8 workspace keeping every tag and count, and the checks' suggestions never reach a count", async () => {
    // The reference: the demo at the current schema (its runs checked on import), annotated by two people.
    const ref = openStore(path.join(dir, 'ref.db'));
    await buildDemo(ref);
    expect(ref.db.prepare("SELECT COUNT(*) FROM tags WHERE origin = 'suggestion'").pluck().get()).toBeGreaterThan(0);
    const svc = createService(ref, { annotator: 'ana' });
    const ids = ref.db.prepare('SELECT id FROM responses ORDER BY id').pluck().all() as number[];
    for (const [i, id] of ids.filter((_, k) => k % 4 === 0).entries()) {
      await call(svc, 'setAnnotator', { name: i % 2 ? 'bob' : 'ana' });
      await call(svc, 'createTag', { responseId: id, label: i % 3 ? 'inconsistent' : 'overlooked-cue', steps: [0, 0] });
      await call(svc, 'setVerdict', { responseId: id, supports: i % 2 ? 'no' : 'yes', reviewStatus: 'done' });
    }
    await call(svc, 'setAnnotator', { name: 'ana' });

    // The same people's work in a version-8 workspace, plus one tag of origin 'suggestion' (before version 9 only a
    // hand-made pack could bring one: it was counted as anyone's tag).
    const file = path.join(dir, 'w.db');
    const old = openStore(file, { migrationsDir: upTo(8) });
    old.db.exec(`ATTACH '${ref.file}' AS ref`);
    old.db.transaction(() => {
      old.db.exec('DELETE FROM labels');
      for (const t of ['datasets', 'samples', 'media', 'runs', 'imports', 'import_skips', 'responses', 'run_samples', 'labels', 'settings']) {
        old.db.exec(`INSERT INTO main.${t} SELECT * FROM ref.${t}`);
      }
      old.db.exec("INSERT INTO main.annotators SELECT * FROM ref.annotators WHERE kind <> 'auto'");
      old.db.exec("INSERT INTO main.tags SELECT * FROM ref.tags WHERE origin <> 'suggestion'");
      old.db.exec('INSERT INTO main.verdicts SELECT * FROM ref.verdicts');
      old.db.exec("INSERT INTO responses_fts (responses_fts) VALUES ('rebuild')");
    })();
    old.db.exec('DETACH ref');
    const bob = old.db.prepare("SELECT id FROM annotators WHERE name = 'bob'").pluck().get() as number;
    old.db
      .prepare(
        `INSERT INTO tags (uuid, response_id, label_id, annotator_id, step_start, step_end, origin, created_at, updated_at)
         VALUES ('9d0b7a52-0c1e-4b8e-9f43-2a6c0e5d7b19', ?, (SELECT id FROM labels WHERE key = 'degenerate'), ?, 0, 0, 'suggestion', 'x', 'x')`,
      )
      .run(ids[1], bob);
    const before = {
      tags: old.db.prepare('SELECT * FROM tags ORDER BY id').all() as { origin: string }[],
      marks: old.db.prepare('SELECT * FROM review_marks ORDER BY akey, response_id').all(),
      labelMarks: old.db.prepare('SELECT * FROM label_marks ORDER BY akey, label_id, response_id').all(),
    };
    expect(old.db.prepare("SELECT name FROM sqlite_master WHERE name = 'check_runs'").get()).toBeUndefined();
    // Version 1's unused suggestions table, with a row a hand-made tool could have put there.
    old.db.prepare("INSERT INTO suggestions (response_id, label_id, rule, created_at) VALUES (?, 1, 'hand-made', 'x')").run(ids[0]);
    old.close();

    const store = openStore(file);
    try {
      expect(store.migration).toMatchObject({ from: 8, to: loadMigrations().length });
      const { db } = store;
      // The hand-made one is an import now, still counted; every other row as it was.
      expect(db.prepare('SELECT * FROM tags ORDER BY id').all()).toEqual(before.tags.map((t) => (t.origin === 'suggestion' ? { ...t, origin: 'import' } : t)));
      expect(db.prepare('SELECT * FROM review_marks ORDER BY akey, response_id').all()).toEqual(before.marks);
      expect(db.prepare('SELECT * FROM label_marks ORDER BY akey, label_id, response_id').all()).toEqual(before.labelMarks);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare('SELECT rule FROM suggestions_v1').pluck().all()).toEqual(['hand-made']);
      db.prepare("DELETE FROM tags WHERE uuid = '9d0b7a52-0c1e-4b8e-9f43-2a6c0e5d7b19'").run();

      // The dashboards of the migrated workspace (no suggestions) and of the reference (the checks' suggestions on
      // its runs) agree for any choice of annotators: no suggestion is counted.
      const migrated = createService(store, { annotator: 'ana' });
      for (const filter of [{}, { annotators: ['bob'] }, { annotators: ['ana', 'bob'] }, { runs: ['sft'] }]) {
        expect(await call(migrated, 'getDashboard', filter as never), JSON.stringify(filter)).toEqual(await call(svc, 'getDashboard', filter as never));
      }
      expect(await call(migrated, 'getAgreement', {})).toEqual(await call(svc, 'getAgreement', {}));

      // Suggestions written now: the kept counts do not move, and the checks' annotators take no bit of the masks.
      const counts = kept(store);
      db.transaction(() => {
        const w = new SuggestionWriter(db);
        const run = db.prepare('SELECT run_id, s.level FROM responses x JOIN samples s ON s.id = x.sample_id WHERE x.id = ?').get(ids[2]) as { run_id: number; level: string };
        w.addNew(ids[2], run.run_id, run.level, [
          { check: 'answer-conflict', version: 1, label: 'inconsistent', steps: [0, 0], span: null, confidence: 0.8, evidence: 'concludes B, answers D' },
          { check: 'degenerate', version: 1, label: 'degenerate', steps: null, span: null, confidence: 0.5, evidence: 'repeats itself' },
        ]);
      })();
      expect(db.prepare("SELECT COUNT(*) FROM suggestions").pluck().get()).toBe(2);
      expect(db.prepare("SELECT COUNT(*) FROM annotators WHERE kind = 'auto'").pluck().get()).toBe(2);
      expect(kept(store)).toEqual(counts);
      // Deleting them (a re-run replaces open suggestions) moves nothing either; a person's tag still does.
      db.prepare("DELETE FROM tags WHERE origin = 'suggestion'").run();
      expect(kept(store)).toEqual(counts);
      await call(migrated, 'createTag', { responseId: ids[2], label: 'hallucination', steps: [0, 0] });
      expect(kept(store)).not.toEqual(counts);
    } finally {
      store.close();
      ref.close();
    }
  });
});
