// The dashboard's figures on the hand-built fixture (see aggregates-fixture.ts), each chart's drill-down against the
// library, and the kept counts (migration 0004) against a recount from scratch after every kind of write.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMBALANCE_MIN_REVIEWED, imbalance } from '../../electron/core/dashboard.ts';
import { MIGRATIONS_DIR } from '../../electron/core/migrate.ts';
import type { Dashboard, DashboardFilter } from '../../shared/api.ts';
import { wilson } from '../../shared/wilson.ts';
import { buildFixture, type Fixture } from './aggregates-fixture.ts';

let dir: string;
let f: Fixture;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-dash-'));
  f = await buildFixture(dir);
});
afterAll(() => {
  f.store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const LABELS = ['inconsistent', 'overlooked-cue', 'hallucination', 'wrong-next-step', 'ignored-goal', 'temporal-order', 'degenerate', 'format'];
const dash = (filter: DashboardFilter = {}) => f.call('getDashboard', filter);

/** Every mark's count, and the library's total for its drill-down filter. */
async function drills(d: Dashboard): Promise<{ mark: string; count: number; listed: number }[]> {
  const marks = [
    ...d.accuracy.map((c) => ({ mark: `accuracy ${c.run} ${c.level}`, count: c.responses, drill: c.drill })),
    ...d.failureRates.map((c) => ({ mark: `rate ${c.run} ${c.level} ${c.label}`, count: c.count, drill: c.drill })),
    ...d.quadrant.map((c) => ({ mark: `quadrant ${c.run} ${c.correct} ${c.supports}`, count: c.count, drill: c.drill })),
    ...d.cooccurrence.cells.map((c) => ({ mark: `pair ${c.a} ${c.b}`, count: c.count, drill: c.drill })),
    ...d.firstStep.map((c) => ({ mark: `first ${c.run} ${c.from}`, count: c.count, drill: c.drill })),
  ];
  const out = [];
  for (const m of marks) out.push({ mark: m.mark, count: m.count, listed: (await f.call('listResponses', { filter: m.drill, limit: 1 })).total });
  return out;
}

describe('getDashboard on the fixture, everyone', () => {
  let d: Dashboard;
  beforeAll(async () => {
    d = await dash();
  });

  it('accuracy per run × level and overall, with Wilson intervals; a run missing a level has no cell there', () => {
    const cells = d.accuracy.map((c) => [c.run, c.level, c.responses, c.correct]);
    expect(cells).toEqual([
      ['rl', 'L1', 9, 4],
      ['rl', 'L2', 2, 1],
      ['rl', 'L3', 2, 1],
      ['rl', 'all', 13, 6],
      ['sft', 'L1', 5, 2],
      ['sft', 'L3', 2, 1],
      ['sft', 'all', 7, 3],
    ]);
    const rlL1 = d.accuracy[0];
    expect(rlL1.accuracy).toBeCloseTo(4 / 9, 12);
    expect(rlL1.ci).toEqual(wilson(4, 9));
    expect(rlL1.method).toBe('rl');
    expect(rlL1.drill).toEqual({ runs: ['rl'], levels: ['L1'] });
    expect(d.accuracy[3].drill).toEqual({ runs: ['rl'] });
  });

  it('failure-mode rates: labelled / reviewed responses per run × level, empty cells included', () => {
    const cell = (run: string, level: string, label: string) => d.failureRates.find((c) => c.run === run && c.level === level && c.label === label)!;
    expect(d.failureRates).toHaveLength((4 + 3) * LABELS.length);
    // rl L1 reviewed: 101#0 (ana, bob), 102#1 (bob's tag), 103 (ana, bob). The deleted tag on u-1 and the skipped
    // review of u-2 review nothing.
    expect(cell('rl', 'L1', 'hallucination')).toMatchObject({ reviewed: 3, count: 2, rate: 2 / 3, ci: wilson(2, 3) });
    expect(cell('rl', 'L1', 'inconsistent')).toMatchObject({ reviewed: 3, count: 1 }); // 102#1 was relabelled
    expect(cell('rl', 'L1', 'overlooked-cue')).toMatchObject({ reviewed: 3, count: 1 });
    expect(cell('rl', 'L1', 'format')).toMatchObject({ reviewed: 3, count: 0, rate: 0, ci: [0, wilson(0, 3)[1]] });
    expect(cell('rl', 'L2', 'inconsistent')).toMatchObject({ reviewed: 1, count: 1, rate: 1 });
    expect(cell('rl', 'L3', 'inconsistent')).toMatchObject({ reviewed: 0, count: 0, rate: 0, ci: [0, 1] });
    expect(cell('rl', 'all', 'inconsistent')).toMatchObject({ reviewed: 4, count: 2, rate: 0.5 });
    // sft L1 reviewed: 101 (bob's verdict), 102 (cy's tag), 104 (cy's review done).
    expect(cell('sft', 'L1', 'overlooked-cue')).toMatchObject({ reviewed: 3, count: 1 });
    expect(cell('sft', 'all', 'overlooked-cue')).toMatchObject({ reviewed: 3, count: 1 });
    expect(cell('rl', 'L1', 'hallucination').drill).toEqual({ levels: ['L1'], runs: ['rl'], labels: ['hallucination'] });
  });

  it('quadrant: correct × consensus of the verdicts, unjudged the rest', () => {
    const q = Object.fromEntries(d.quadrant.map((c) => [`${c.run} ${c.correct ? 'right' : 'wrong'} ${c.supports}`, c.count]));
    expect(q).toEqual({
      // rl 101#0: ana no, bob yes → no. rl 103: ana yes, bob unclear → unclear.
      'rl right yes': 0, 'rl right no': 1, 'rl right unclear': 1, 'rl right unjudged': 4,
      'rl wrong yes': 0, 'rl wrong no': 0, 'rl wrong unclear': 0, 'rl wrong unjudged': 7,
      // sft 101: bob no. sft 104 is done but not judged.
      'sft right yes': 0, 'sft right no': 0, 'sft right unclear': 0, 'sft right unjudged': 3,
      'sft wrong yes': 0, 'sft wrong no': 1, 'sft wrong unclear': 0, 'sft wrong unjudged': 3,
    });
  });

  it('co-occurrence: responses carrying both labels; the diagonal is responses carrying the label', () => {
    expect(d.cooccurrence.labels).toEqual(LABELS);
    expect(d.cooccurrence.cells).toHaveLength(64);
    const nonzero = d.cooccurrence.cells.filter((c) => c.count > 0).map((c) => [c.a, c.b, c.count]);
    expect(nonzero).toEqual([
      ['inconsistent', 'inconsistent', 2],
      ['inconsistent', 'hallucination', 1],
      ['overlooked-cue', 'overlooked-cue', 2],
      ['hallucination', 'inconsistent', 1],
      ['hallucination', 'hallucination', 2],
    ]);
  });

  it('first tagged step: its relative position in ten bins, a span tag at its start step, edges in the upper bin', () => {
    const bins = d.firstStep.filter((b) => b.count > 0).map((b) => [b.run, b.from, b.count]);
    // rl 101#0: step 1 of 4 = 0.25; rl 103: a span in step 1 of 5 = 0.2 exactly (bin [0.2, 0.3)); rl 102#1: 2 of 4.
    // rl 201's tag marks no step. sft 102: step 0.
    expect(bins).toEqual([
      ['rl', 0.2, 2],
      ['rl', 0.5, 1],
      ['sft', 0, 1],
    ]);
    expect(d.firstStep.filter((b) => b.run === 'rl').map((b) => [b.from, b.to])).toEqual(
      Array.from({ length: 10 }, (_, k) => [k / 10, (k + 1) / 10]),
    );
  });

  it('progress per annotator × run, and what the pickers offer', () => {
    expect(d.progress.cells.map((c) => [c.annotator, c.run, c.reviewed, c.responses])).toEqual([
      ['ana', 'rl', 3, 13],
      ['ana', 'sft', 0, 7],
      ['bob', 'rl', 3, 13],
      ['bob', 'sft', 1, 7],
      ['cy', 'rl', 0, 13],
      ['cy', 'sft', 2, 7],
    ]);
    expect(d.progress.imbalance).toBeNull();
    expect(d.available).toEqual({ runs: ['rl', 'sft'], levels: ['L1', 'L2', 'L3'], annotators: ['ana', 'bob', 'cy'], labels: LABELS, domains: ['Hobbies', 'Work'] });
  });

  it('every mark drills down to exactly the responses it counts', async () => {
    const all = await drills(d);
    expect(all.filter((m) => m.count !== m.listed)).toEqual([]);
    expect(all.filter((m) => m.count > 0).length).toBeGreaterThan(20);
  });
});

describe('getDashboard filters', () => {
  const rate = (d: Dashboard, run: string, level: string, label: string) => {
    const c = d.failureRates.find((x) => x.run === run && x.level === level && x.label === label)!;
    return [c.reviewed, c.count];
  };
  const judged = (d: Dashboard, run: string) =>
    d.quadrant.filter((c) => c.run === run && c.supports !== 'unjudged' && c.count > 0).map((c) => [c.correct, c.supports, c.count]);

  it('one annotator: their reviews, labels, verdicts and first steps only; accuracy unchanged', async () => {
    const ana = await dash({ annotators: ['ana'] });
    expect(ana.accuracy).toEqual((await dash()).accuracy);
    expect(rate(ana, 'rl', 'L1', 'hallucination')).toEqual([2, 2]);
    expect(rate(ana, 'rl', 'L2', 'inconsistent')).toEqual([1, 1]);
    expect(rate(ana, 'sft', 'L1', 'overlooked-cue')).toEqual([0, 0]);
    expect(judged(ana, 'rl')).toEqual([
      [true, 'yes', 1],
      [true, 'no', 1],
    ]);
    expect(ana.firstStep.filter((b) => b.count).map((b) => [b.run, b.from, b.count])).toEqual([['rl', 0.2, 2]]);
    expect(ana.progress.cells.map((c) => c.annotator)).toEqual(['ana', 'ana']);
    const bob = await dash({ annotators: ['bob'] });
    expect(rate(bob, 'rl', 'L1', 'overlooked-cue')).toEqual([3, 1]);
    expect(judged(bob, 'rl')).toEqual([
      [true, 'yes', 1],
      [true, 'unclear', 1],
    ]);
    expect(judged(bob, 'sft')).toEqual([[false, 'no', 1]]);
    expect(bob.firstStep.filter((b) => b.count).map((b) => [b.run, b.from])).toEqual([['rl', 0.5]]);
    for (const m of [...(await drills(ana)), ...(await drills(bob))]) expect(m.listed, m.mark).toBe(m.count);
  });

  it('several annotators: a response reviewed by both counts once; their verdicts combine', async () => {
    const d = await dash({ annotators: ['ana', 'bob'] });
    expect(rate(d, 'rl', 'L1', 'hallucination')).toEqual([3, 2]);
    expect(rate(d, 'rl', 'all', 'inconsistent')).toEqual([4, 2]);
    expect(rate(d, 'sft', 'L1', 'overlooked-cue')).toEqual([1, 0]);
    expect(judged(d, 'rl')).toEqual([
      [true, 'no', 1],
      [true, 'unclear', 1],
    ]);
    expect(d.cooccurrence.cells.find((c) => c.a === 'inconsistent' && c.b === 'hallucination')!.count).toBe(1);
    expect(d.firstStep.filter((b) => b.count).map((b) => [b.run, b.from, b.count])).toEqual([
      ['rl', 0.2, 2],
      ['rl', 0.5, 1],
    ]);
    for (const m of await drills(d)) expect(m.listed, m.mark).toBe(m.count);
    // Naming every annotator is everyone.
    const every = await dash({ annotators: ['ana', 'bob', 'cy'] });
    expect(every.failureRates.map((c) => c.count)).toEqual((await dash()).failureRates.map((c) => c.count));
    // Nobody known: nothing reviewed.
    const nobody = await dash({ annotators: ['zed'] });
    expect(nobody.failureRates.every((c) => c.reviewed === 0)).toBe(true);
    expect(nobody.progress.cells).toEqual([]);
  });

  it('runs, levels, domains and labels narrow the charts; every mark still drills to its responses', async () => {
    const d = await dash({ runs: ['sft'], levels: ['L1', 'L3'], labels: ['overlooked-cue', 'inconsistent'] });
    expect(d.accuracy.map((c) => [c.run, c.level, c.responses])).toEqual([
      ['sft', 'L1', 5],
      ['sft', 'L3', 2],
      ['sft', 'all', 7],
    ]);
    // Labels in the taxonomy's order, whatever order the filter names them in.
    expect(d.cooccurrence.labels).toEqual(['inconsistent', 'overlooked-cue']);
    expect(d.failureRates.map((c) => c.label)).toEqual(Array(3).fill(['inconsistent', 'overlooked-cue']).flat());
    expect(d.cooccurrence.cells.map((c) => c.count)).toEqual([0, 0, 0, 1]);
    // Everyone who reviewed anything has a row, also when it is 0 in the runs shown.
    expect(d.progress.cells.map((c) => [c.annotator, c.reviewed])).toEqual([
      ['ana', 0],
      ['bob', 1],
      ['cy', 2],
    ]);
    for (const m of await drills(d)) expect(m.listed, m.mark).toBe(m.count);

    const work = await dash({ domains: ['Work'] });
    expect(work.accuracy.map((c) => [c.run, c.level, c.responses, c.correct])).toEqual([
      ['rl', 'L3', 1, 1],
      ['rl', 'all', 1, 1],
      ['sft', 'L3', 1, 0],
      ['sft', 'all', 1, 0],
    ]);
    for (const m of await drills(work)) expect(m.listed, m.mark).toBe(m.count);
    for (const m of await drills(await dash({ levels: ['L2'], annotators: ['ana', 'cy'] }))) expect(m.listed, m.mark).toBe(m.count);
  });

  it('refuses unknown runs and labels, naming them', async () => {
    expect(await f.refuse('getDashboard', { runs: ['rl', 'ghost'] })).toEqual({ code: 'not_found', message: 'getDashboard: unknown run: ghost' });
    expect(await f.refuse('getDashboard', { labels: ['nope'] })).toEqual({ code: 'not_found', message: 'getDashboard: unknown label: nope' });
  });
});

describe('imbalance', () => {
  const run = (name: string, reviewed: number, responses: number) => ({ run: name, reviewed, responses, share: reviewed / responses });
  it('speaks up when one run is reviewed at less than half the rate of another', () => {
    expect(imbalance([run('rl', 40, 100), run('sft', 5, 100)])).toBe(
      'Reviews are unbalanced: sft has 5.0% of its responses reviewed (5 of 100), rl 40% (40 of 100). ' +
        'Failure-mode rates of sft rest on fewer reviews; review more of it before comparing the runs.',
    );
    expect(imbalance([run('rl', 40, 100), run('sft', 20, 100)])).toBeNull(); // exactly half: fine
    expect(imbalance([run('rl', 40, 100), run('sft', 19, 100)])).toMatch(/^Reviews are unbalanced: sft has 19%/);
    // Too few reviews anywhere to tell.
    expect(imbalance([run('rl', IMBALANCE_MIN_REVIEWED - 1, 20), run('sft', 0, 20)])).toBeNull();
    expect(imbalance([run('rl', 40, 100)])).toBeNull();
  });
});

describe('kept counts (migration 0004)', () => {
  const TABLES = ['review_marks', 'label_marks', 'review_counts', 'label_counts', 'pair_counts'];
  /** The tables' rows, counters at zero left out (a count that went up and down again leaves a zero row). */
  const snapshot = () =>
    Object.fromEntries(
      TABLES.map((t) => {
        const rows = f.store.db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2, 3, 4, 5`).all() as Record<string, unknown>[];
        const live = t.endsWith('counts') ? rows.filter((r) => Object.entries(r).some(([k, v]) => !['akey', 'run_id', 'label_id', 'label_a', 'label_b'].includes(k) && typeof v === 'number' && v !== 0)) : rows;
        return [t, live];
      }),
    );
  /** The same tables recounted from tags and verdicts by the migration's own backfill. */
  const recount = () => {
    const sql = fs.readFileSync(path.join(MIGRATIONS_DIR, fs.readdirSync(MIGRATIONS_DIR).find((n) => n.startsWith('0004_'))!), 'utf8');
    const backfill = (table: string) => {
      const start = sql.indexOf(`INSERT INTO ${table} (`);
      return sql.slice(start, sql.indexOf(';\n', start) + 1);
    };
    const db = f.store.db;
    db.transaction(() => {
      for (const t of TABLES) db.exec(`DELETE FROM ${t}`);
      // The automatic checks' suggestions count for nobody (migration 0009): the backfill reads tags without them.
      db.exec("CREATE TEMP VIEW tags AS SELECT * FROM main.tags WHERE origin <> 'suggestion'");
      db.exec(backfill('review_marks'));
      db.exec(backfill('label_marks'));
      db.exec('DROP VIEW temp.tags');
    })();
  };

  it('stay equal to a recount after tags and verdicts are made, changed, deleted, undone and redone', async () => {
    const { call, id } = f;
    await call('setAnnotator', { name: 'dee' });
    const t = await call('createTag', { responseId: id('rl', 101, 2), label: 'degenerate', steps: [3, 3] });
    await call('createTag', { responseId: id('rl', 101, 2), label: 'hallucination', steps: [0, 1] });
    await call('updateTag', { uuid: t.uuid, steps: [1, 2] });
    await call('setVerdict', { responseId: id('rl', 101, 2), supports: 'unclear' });
    await call('setVerdict', { responseId: id('rl', 101, 2), supports: 'no', reviewStatus: 'done' });
    await call('createTag', { responseId: id('sft', 105), label: 'format' });
    await call('deleteTag', { uuid: t.uuid });
    await call('undo');
    await call('undo');
    await call('redo');
    await call('setVerdict', { responseId: id('sft', 103), supports: null, reviewStatus: 'done' });
    await call('setAnnotator', { name: 'ana' });

    const before = await dash();
    const kept = snapshot();
    expect(kept.review_marks.length).toBeGreaterThan(10);
    recount();
    expect(snapshot()).toEqual(kept);
    expect(await dash()).toEqual(before);
    for (const m of await drills(before)) expect(m.listed, m.mark).toBe(m.count);
  });

  it('a tag shows in the next dashboard at once (no cache), and its undo takes it back out', async () => {
    const count = async () => (await dash({ labels: ['temporal-order'] })).failureRates.find((c) => c.run === 'sft' && c.level === 'all')!;
    expect((await count()).count).toBe(0);
    await f.call('createTag', { responseId: f.id('sft', 105), label: 'temporal-order', steps: [0, 0] });
    expect(await count()).toMatchObject({ count: 1 });
    await f.call('undo');
    expect((await count()).count).toBe(0);
  });
});

describe('progress drill-downs', () => {
  it('each annotator × run bar carries the library filter listing exactly the responses it counts', async () => {
    let counted = 0;
    for (const filter of [{}, { levels: ['L1'] }, { domains: ['Work'], annotators: ['ana', 'bob'] }, { runs: ['sft'], levels: ['L1', 'L3'] }] as DashboardFilter[]) {
      const d = await dash(filter);
      expect(d.progress.cells.length, JSON.stringify(filter)).toBeGreaterThan(0);
      for (const c of d.progress.cells) {
        expect(c.drill).toMatchObject({ runs: [c.run], by: [c.annotator], reviewed: true, ...(filter.levels ? { levels: filter.levels } : {}) });
        expect((await f.call('listResponses', { filter: c.drill, limit: 1 })).total, `${JSON.stringify(filter)} ${c.annotator} ${c.run}`).toBe(c.reviewed);
        counted += c.reviewed;
      }
    }
    expect(counted).toBeGreaterThan(5);
  });
});
