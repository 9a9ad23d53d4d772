// Re-importing a benchmark file whose golden answer changed rescores every response of those
// samples in the import's own transaction, with everything kept from their correctness (run_samples, the review and
// label marks and the counts and masks kept from them), so stats, the dashboard, the compare matrix, the library and
// exports all follow the benchmark's fix; a failure part-way changes nothing.
//
// The workspace is the dashboard's hand-worked fixture (aggregates-fixture.ts): golden A everywhere; run "rl" answers
// question 102 with A, B, B (bob tagged rollout 1) and "sft" answers it A (cy tagged it).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportJsonl } from '../../electron/core/export-jsonl.ts';
import { importBenchmark } from '../../electron/core/import-benchmark.ts';
import { importRun } from '../../electron/core/import-run.ts';
import { MIGRATIONS_DIR } from '../../electron/core/migrate.ts';
import { computeStats } from '../../electron/core/stats.ts';
import { buildFixture, type Fixture } from './aggregates-fixture.ts';

let dir: string;
let f: Fixture;
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-rescore-'));
  f = await buildFixture(dir);
});
afterEach(() => {
  f.store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const L1 = () => path.join(dir, 'annotations', 'validation_L1.jsonl');

/** Rewrites the fixture's L1 file with `change` applied to the records it names. */
function editL1(change: Record<string, Record<string, unknown>>): string {
  const lines = fs.readFileSync(L1(), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const edited = lines.map((r) => ({ ...r, ...(change[String(r.sample_id)] ?? {}) }));
  fs.writeFileSync(L1(), edited.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return L1();
}

const sql = (q: string, ...params: unknown[]) => f.store.db.prepare(q).all(...params);
const scores = (sampleId: string) =>
  sql(
    `SELECT r.name AS run, x.rollout, x.prediction, x.correct, x.score_disagreement FROM responses x
       JOIN runs r ON r.id = x.run_id JOIN samples s ON s.id = x.sample_id
      WHERE s.level = 'L1' AND s.sample_id = ? ORDER BY r.name, x.rollout`,
    sampleId,
  );

function migration(prefix: string): string {
  return fs.readFileSync(path.join(MIGRATIONS_DIR, fs.readdirSync(MIGRATIONS_DIR).find((n) => n.startsWith(prefix))!), 'utf8');
}
/** The SELECT with which a migration fills `table` for an existing workspace (the statement after `INSERT INTO table …`). */
function fillOf(sqlText: string, table: string): string {
  const m = new RegExp(`\\nINSERT INTO ${table}(?: \\([^)]*\\))?\\n\\s*(SELECT[\\s\\S]*?);\\n`).exec(sqlText);
  if (!m) throw new Error(`no fill of ${table}`);
  return m[1];
}
/** A query's rows, in the order of all its columns. */
const rows = (q: string) => {
  const width = f.store.db.prepare(q).columns().length;
  return f.store.db.prepare(`SELECT * FROM (${q}) ORDER BY ${Array.from({ length: width }, (_, i) => i + 1).join(', ')}`).raw().all();
};
const MARK_COLUMNS = 'akey, response_id, run_id, sample_id, level, domain, correct, tags, first_step, step_count, yes, no, unclear, done';

/** Every table kept from responses' correctness, against a recount from scratch by the migrations' own fills. */
function expectKeptEqualsRecount() {
  // The automatic checks' suggestions count for nobody (migration 0009): the fills below read tags without them.
  f.store.db.exec("CREATE TEMP VIEW tags AS SELECT * FROM main.tags WHERE origin <> 'suggestion'");
  try {
    expectKeptEqualsFills();
  } finally {
    f.store.db.exec('DROP VIEW temp.tags');
  }
}

function expectKeptEqualsFills() {
  const m4 = migration('0004_');
  const m7 = migration('0007_');
  expect(rows('SELECT * FROM run_samples'), 'run_samples').toEqual(rows(fillOf(m4, 'run_samples')));
  expect(rows(`SELECT ${MARK_COLUMNS} FROM review_marks`), 'review_marks').toEqual(rows(fillOf(m4, 'review_marks')));
  expect(rows('SELECT * FROM label_marks'), 'label_marks').toEqual(rows(fillOf(m4, 'label_marks')));
  for (const t of ['response_masks', 'label_masks']) expect(rows(`SELECT * FROM ${t}`), t).toEqual(rows(fillOf(m7, t)));
  for (const t of ['review_mask_counts', 'step_mask_counts', 'label_mask_counts', 'pair_mask_counts']) {
    expect(rows(`SELECT * FROM ${t} WHERE n <> 0`), t).toEqual(rows(fillOf(m7, t)));
  }
  // review_counts, label_counts and pair_counts have no fill: their triggers make them from the marks. Rebuild the
  // marks from scratch (as dashboard.test.ts does) and compare, counts gone back to zero left out.
  const counts = () => ({
    review: rows("SELECT * FROM review_counts WHERE reviewed <> 0"),
    label: rows('SELECT * FROM label_counts WHERE responses <> 0'),
    pair: rows('SELECT * FROM pair_counts WHERE responses <> 0'),
  });
  const kept = counts();
  const db = f.store.db;
  db.exec('SAVEPOINT recount');
  try {
    for (const t of ['review_marks', 'label_marks', 'review_counts', 'label_counts', 'pair_counts']) db.exec(`DELETE FROM ${t}`);
    db.exec(`INSERT INTO review_marks (${MARK_COLUMNS}) ${fillOf(m4, 'review_marks')}`);
    db.exec(`INSERT INTO label_marks (akey, label_id, response_id, run_id, sample_id, level, domain, correct, tags) ${fillOf(m4, 'label_marks')}`);
    expect(counts()).toEqual(kept);
  } finally {
    db.exec('ROLLBACK TO recount');
    db.exec('RELEASE recount');
  }
}

/** Everything an import or a rescore may write, to compare a workspace before and after a failed one. */
function everything(): Record<string, unknown[]> {
  const tables = [
    'samples', 'media', 'imports', 'import_skips', 'datasets', 'run_samples', 'review_marks', 'label_marks', 'review_counts',
    'label_counts', 'pair_counts', 'response_masks', 'label_masks', 'review_mask_counts', 'step_mask_counts', 'label_mask_counts',
    'pair_mask_counts',
  ];
  return {
    responses: sql('SELECT id, prediction, correct, score_disagreement FROM responses ORDER BY id'),
    ...Object.fromEntries(tables.map((t) => [t, rows(`SELECT * FROM ${t}`)])),
  };
}

describe('re-importing a benchmark file whose golden answer changed', () => {
  it('rescores every response of those samples and says so; stats, dashboard, compare, library and export follow', async () => {
    expect(scores('102')).toEqual([
      { run: 'rl', rollout: 0, prediction: 'A', correct: 1, score_disagreement: 0 },
      { run: 'rl', rollout: 1, prediction: 'B', correct: 0, score_disagreement: 0 },
      { run: 'rl', rollout: 2, prediction: 'B', correct: 0, score_disagreement: 0 },
      { run: 'sft', rollout: 0, prediction: 'A', correct: 1, score_disagreement: 0 },
    ]);
    const before = await f.call('getDashboard', {});
    const acc = (d: typeof before, run: string, level: string) => d.accuracy.find((c) => c.run === run && c.level === level)!;
    expect([acc(before, 'rl', 'L1').correct, acc(before, 'sft', 'L1').correct]).toEqual([4, 2]);

    const r = await importBenchmark(f.store, [editL1({ 102: { golden_choice_idx: 'B', answer: 'open fridge' } })], {});
    expect(scores('102')).toEqual([
      { run: 'rl', rollout: 0, prediction: 'A', correct: 0, score_disagreement: 0 },
      { run: 'rl', rollout: 1, prediction: 'B', correct: 1, score_disagreement: 0 },
      { run: 'rl', rollout: 2, prediction: 'B', correct: 1, score_disagreement: 0 },
      { run: 'sft', rollout: 0, prediction: 'A', correct: 0, score_disagreement: 0 },
    ]);
    // Untouched questions keep their scores.
    expect(scores('101').map((x: any) => x.correct)).toEqual([1, 1, 0, 0, 0]);
    // The import says what it did.
    expect(r.rescored).toEqual({
      samples: 1,
      responses: 4,
      changedCorrectness: 4,
      changes: [{ level: 'L1', sampleId: '102', from: 'A', to: 'B' }],
    });

    // stats (counted from responses) and the dashboard (from run_samples and the marks) agree on the new golden.
    const l1 = (run: string) => computeStats(f.store).runs.find((x) => x.name === run)!.levels.L1;
    expect([l1('rl').correct, l1('rl').responses, l1('sft').correct, l1('sft').responses]).toEqual([5, 9, 1, 5]);
    const after = await f.call('getDashboard', {});
    expect([acc(after, 'rl', 'L1').correct, acc(after, 'rl', 'all').correct]).toEqual([5, 7]);
    expect([acc(after, 'sft', 'L1').correct, acc(after, 'sft', 'all').correct]).toEqual([1, 2]);
    // bob's tag on rl 102#1 now sits on a right answer; cy's on sft 102 on a wrong one.
    const quadrant = (d: typeof before, run: string, correct: boolean) =>
      d.quadrant.filter((c) => c.run === run && c.correct === correct).reduce((n, c) => n + c.count, 0);
    expect([quadrant(after, 'rl', true), quadrant(after, 'rl', false)]).toEqual([7, 6]);
    expect([quadrant(after, 'sft', true), quadrant(after, 'sft', false)]).toEqual([2, 5]);
    // Every kept count equals a recount from scratch, and each chart's drill-down lists what the chart counts.
    expectKeptEqualsRecount();
    for (const c of after.quadrant) {
      expect((await f.call('listResponses', { filter: c.drill, limit: 1 })).total, `${c.run} ${c.correct} ${c.supports}`).toBe(c.count);
    }
    const right = await f.call('listResponses', { filter: { runs: ['sft'], correct: true }, limit: 50 });
    expect(right.total).toBe(2);
    // The compare matrix reads run_samples: on 102, rl (now 2 of 3 right) is right and sft wrong — it was the reverse.
    expect((await f.call('compareMatrix', { runs: ['rl', 'sft'], levels: ['L1'] })).levels.L1).toEqual({ both_right: 1, only_a: 2, only_b: 0, both_wrong: 1 });

    // An export row says what the workspace now says.
    const out = path.join(dir, 'export.jsonl');
    await exportJsonl(f.store, out, { runs: ['sft'] });
    const row = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).find((x) => x.sample_id === '102');
    expect(row).toMatchObject({ golden: 'B', prediction: 'A', correct: false });
  });

  it('a changed option text rescores too: an answer given as text follows its option', async () => {
    // A run that answers 103 with an option's text rather than its letter.
    const run = path.join(dir, 'text.jsonl');
    fs.writeFileSync(run, JSON.stringify({ sample_id: 103, response: '<think>The fridge.</think><answer>open fridge</answer>' }) + '\n');
    await importRun(f.store, run, { name: 'text', method: 'other', level: 'L1' });
    const text = () => sql("SELECT x.prediction, x.correct FROM responses x JOIN runs r ON r.id = x.run_id WHERE r.name = 'text'");
    expect(text()).toEqual([{ prediction: 'B', correct: 0 }]);
    // Options swapped: "open fridge" is now option A, the golden letter stays A.
    const r = await importBenchmark(f.store, [editL1({ 103: { choice_a: 'open fridge', choice_b: 'fill kettle', answer: 'open fridge' } })], {});
    expect(text()).toEqual([{ prediction: 'A', correct: 1 }]);
    // rl's and sft's letter A stays right; only the text answer changes.
    expect(r.rescored).toEqual({ samples: 1, responses: 3, changedCorrectness: 1, changes: [{ level: 'L1', sampleId: '103', from: 'A', to: 'A' }] });
    expectKeptEqualsRecount();
  });

  it('a changed domain (L3) moves the copies the kept counts hold; nothing is rescored', async () => {
    // u-1 moves from Work to Daily life: run_samples, the marks and the counts kept from them follow, and so does the
    // dashboard filtered by domain. The fixture left only a deleted tag on u-1: sft's answer gets a live one.
    await f.call('createTag', { responseId: f.id('sft', 'u-1'), label: 'hallucination', steps: [0, 0] });
    const l3 = path.join(dir, 'annotations', 'validation_L3.jsonl');
    const recs = fs.readFileSync(l3, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    fs.writeFileSync(l3, recs.map((x) => JSON.stringify(x.sample_id === 'u-1' ? { ...x, domain: 'Daily life' } : x)).join('\n') + '\n');
    const moved = await importBenchmark(f.store, [l3], {});
    expect(sql("SELECT DISTINCT domain FROM run_samples WHERE level = 'L3' ORDER BY domain")).toEqual([{ domain: 'Daily life' }, { domain: 'Hobbies' }]);
    expectKeptEqualsRecount();
    const work = await f.call('getDashboard', { domains: ['Daily life'] });
    expect(work.accuracy.filter((c) => c.level === 'L3').map((c) => [c.run, c.responses])).toEqual([
      ['rl', 1],
      ['sft', 1],
    ]);
    expect(work.failureRates.find((c) => c.run === 'sft' && c.level === 'L3' && c.label === 'hallucination')).toMatchObject({ reviewed: 1, count: 1 });
    expect(sql("SELECT DISTINCT domain FROM review_marks WHERE level = 'L3'")).toEqual([{ domain: 'Daily life' }]);
    expect(moved.rescored).toMatchObject({ samples: 0, responses: 0 });
  });

  it('in one transaction: a failure part-way through rescoring leaves the workspace exactly as it was', async () => {
    const db = f.store.db;
    const was = everything();
    // The last of 102's responses to be rescored refuses to change: by then the others have been.
    const last = db.prepare("SELECT MAX(x.id) FROM responses x JOIN samples s ON s.id = x.sample_id WHERE s.level = 'L1' AND s.sample_id = '102'").pluck().get();
    db.exec(`CREATE TEMP TRIGGER fail_rescore BEFORE UPDATE ON main.responses WHEN OLD.id = ${last} BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END`);
    try {
      await expect(importBenchmark(f.store, [editL1({ 102: { golden_choice_idx: 'B', answer: 'open fridge' } })], {})).rejects.toThrow(/disk full \(test\)/);
    } finally {
      db.exec('DROP TRIGGER temp.fail_rescore');
    }
    expect(db.inTransaction).toBe(false);
    expect(everything()).toEqual(was);
    expect((await f.call('getDashboard', {})).accuracy.find((c) => c.run === 'rl' && c.level === 'L1')!.correct).toBe(4);
  });

  it('an unchanged re-import rescores nothing and writes no kept count', async () => {
    const was = everything();
    const r = await importBenchmark(f.store, [L1()], {});
    expect(r.rescored).toEqual({ samples: 0, responses: 0, changedCorrectness: 0, changes: [] });
    const now = everything();
    // Only the import's own rows and the samples' import time and file change.
    for (const t of ['responses', 'run_samples', 'review_marks', 'label_marks', 'review_counts', 'response_masks', 'review_mask_counts']) {
      expect(now[t], t).toEqual(was[t]);
    }
  });
});
