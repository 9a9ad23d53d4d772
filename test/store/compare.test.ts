// The compare matrix and the question walk on the hand-built fixture (see aggregates-fixture.ts for what it holds).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disagree } from '../../electron/core/compare.ts';
import type { CompareFilter } from '../../shared/api.ts';
import { buildFixture, type Fixture } from './aggregates-fixture.ts';

let dir: string;
let f: Fixture;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-compare-'));
  f = await buildFixture(dir);
});
afterAll(() => {
  f.store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const counts = (both_right: number, only_a: number, only_b: number, both_wrong: number) => ({ both_right, only_a, only_b, both_wrong });

describe('compareMatrix', () => {
  it('counts the questions both runs answered, per level present and overall; 2 of 4 correct is right, 1 of 3 wrong', async () => {
    // 101: rl 2/4 right, sft wrong → only_a. 102: rl 1/3 wrong, sft right → only_b. 103 both right. 105 both wrong.
    // u-1 only_a, u-2 only_b. 104 (sft only) and L2 (rl only) are not in the matrix.
    const m = await f.call('compareMatrix', { runs: ['rl', 'sft'] });
    expect(m).toEqual({
      pair: ['rl', 'sft'],
      levels: { L1: counts(1, 1, 1, 1), L3: counts(0, 1, 1, 0), all: counts(1, 2, 2, 1) },
    });
    expect(Object.keys(m.levels)).toEqual(['L1', 'L3', 'all']);
    // The other way round, A and B swap.
    expect((await f.call('compareMatrix', { runs: ['sft', 'rl'] })).levels.all).toEqual(counts(1, 2, 2, 1));
    expect((await f.call('compareMatrix', { runs: ['sft', 'rl'] })).levels.L3).toEqual(counts(0, 1, 1, 0));
  });

  it('narrows by level and by domain', async () => {
    expect((await f.call('compareMatrix', { runs: ['rl', 'sft'], levels: ['L3'] })).levels).toEqual({
      L3: counts(0, 1, 1, 0),
      all: counts(0, 1, 1, 0),
    });
    expect((await f.call('compareMatrix', { runs: ['rl', 'sft'], domains: ['Work'] })).levels).toEqual({
      L3: counts(0, 1, 0, 0),
      all: counts(0, 1, 0, 0),
    });
    // Nothing both answered: only the (empty) overall row.
    expect((await f.call('compareMatrix', { runs: ['rl', 'sft'], levels: ['L2'] })).levels).toEqual({ all: counts(0, 0, 0, 0) });
  });

  it('refuses unknown runs, naming them', async () => {
    const e = await f.refuse('compareMatrix', { runs: ['rl', 'grpo-9'] });
    expect(e.code).toBe('not_found');
    expect(e.message).toBe('compareMatrix: unknown run: grpo-9');
    expect((await f.refuse('compareMatrix', { runs: ['x', 'y'] })).message).toBe('compareMatrix: unknown runs: x, y');
  });
});

describe('listCompareQuestions', () => {
  const walk = async (filter: Omit<CompareFilter, 'runs'> & { runs?: string[] }, offset = 0, limit = 500) =>
    f.call('listCompareQuestions', { filter: { runs: ['rl', 'sft'], ...filter }, offset, limit });
  const ids = async (filter: Omit<CompareFilter, 'runs'> & { runs?: string[] }) => (await walk(filter)).rows.map((q) => q.sampleId);

  it('walks every question some chosen run answered, in import order, with each run side by side', async () => {
    const page = await walk({});
    expect(page.total).toBe(9);
    expect(page.rows.map((q) => q.sampleId)).toEqual(['101', '102', '103', '104', '105', '201', '202', 'u-1', 'u-2']);
    const q101 = page.rows[0];
    expect(q101).toMatchObject({ sampleId: '101', level: 'L1', golden: 'A', taskGoal: 'goal 101', outcome: 'only_a' });
    expect(q101.runs).toEqual([
      {
        run: 'rl',
        method: 'rl',
        responseIds: [0, 1, 2, 3].map((r) => f.id('rl', 101, r)),
        predictions: ['A', 'A', 'B', 'B'],
        correct: 2,
        right: true,
        labels: { inconsistent: 1, hallucination: 1 },
      },
      { run: 'sft', method: 'sft', responseIds: [f.id('sft', 101)], predictions: ['B'], correct: 0, right: false, labels: {} },
    ]);
    // A run without a response to the question: an empty column, and no outcome.
    const q104 = page.rows[3];
    expect(q104.runs[0]).toEqual({ run: 'rl', method: 'rl', responseIds: [], predictions: [], correct: 0, right: false, labels: {} });
    expect(q104.outcome).toBeNull();
    expect(page.rows[5].outcome).toBeNull(); // 201: sft has nothing at L2
    // The deleted tag on rl u-1 is not shown; the relabelled one on rl 102#1 shows its new label.
    expect(page.rows[7].runs[0].labels).toEqual({});
    expect(page.rows[1].runs[0].labels).toEqual({ 'overlooked-cue': 1 });
  });

  it('pages', async () => {
    const page = await walk({}, 3, 2);
    expect(page).toMatchObject({ total: 9, offset: 3 });
    expect(page.rows.map((q) => q.sampleId)).toEqual(['104', '105']);
  });

  it('drills into a matrix cell: the questions of one outcome (at a level)', async () => {
    expect(await ids({ outcome: 'only_a' })).toEqual(['101', 'u-1']);
    expect(await ids({ outcome: 'only_b' })).toEqual(['102', 'u-2']);
    expect(await ids({ outcome: 'both_right' })).toEqual(['103']);
    expect(await ids({ outcome: 'both_wrong' })).toEqual(['105']);
    expect(await ids({ outcome: 'only_a', levels: ['L3'] })).toEqual(['u-1']);
    // Each cell of the matrix holds as many questions as the walk finds.
    const m = await f.call('compareMatrix', { runs: ['rl', 'sft'] });
    for (const [level, cell] of Object.entries(m.levels)) {
      for (const [outcome, n] of Object.entries(cell)) {
        const filter = { outcome: outcome as CompareFilter['outcome'], ...(level === 'all' ? {} : { levels: [level as 'L1'] }) };
        expect((await walk(filter)).total, `${level} ${outcome}`).toBe(n);
      }
    }
  });

  it('finds right answers with flawed reasoning: a correct response tagged, or judged not to support its answer', async () => {
    // rl 101#0 correct and tagged; rl 103 correct and tagged; sft 102 correct and tagged (by cy). rl u-1's tag was deleted.
    expect(await ids({ rightFlawed: true })).toEqual(['101', '102', '103']);
    expect(await ids({ rightFlawed: false })).toEqual(['104', '105', '201', '202', 'u-1', 'u-2']);
  });

  it('finds the questions where the runs disagree', async () => {
    // 103: both right with A. 104, 201, 202: one run only. 105: both wrong but B against C.
    expect(await ids({ disagree: true })).toEqual(['101', '102', '105', 'u-1', 'u-2']);
    expect(await ids({ disagree: false })).toEqual(['103', '104', '201', '202']);
  });

  it('finds a label present in one run and absent in the others', async () => {
    expect(await ids({ labelOnly: { label: 'hallucination', run: 'rl' } })).toEqual(['101', '103']);
    expect(await ids({ labelOnly: { label: 'inconsistent', run: 'rl' } })).toEqual(['101', '201']);
    // rl 102 and sft 102 both carry overlooked-cue.
    expect(await ids({ labelOnly: { label: 'overlooked-cue', run: 'rl' } })).toEqual([]);
    expect(await ids({ labelOnly: { label: 'overlooked-cue', run: 'sft' } })).toEqual([]);
    expect(await ids({ labelOnly: { label: 'hallucination', run: 'sft' } })).toEqual([]);
  });

  it('combines filters, keeps the chosen runs in order, and takes the first two as the pair', async () => {
    expect(await ids({ disagree: true, rightFlawed: true, levels: ['L1'] })).toEqual(['101', '102']);
    const swapped = await walk({ runs: ['sft', 'rl'], outcome: 'only_a' });
    expect(swapped.rows.map((q) => q.sampleId)).toEqual(['102', 'u-2']);
    expect(swapped.rows[0].runs.map((r) => r.run)).toEqual(['sft', 'rl']);
    expect(await ids({ domains: ['Hobbies'] })).toEqual(['u-2']);
  });

  it('refuses unknown runs and labels, naming them', async () => {
    const e = await f.refuse('listCompareQuestions', { filter: { runs: ['rl', 'nope'] } });
    expect(e).toEqual({ code: 'not_found', message: 'listCompareQuestions: unknown run: nope' });
    const l = await f.refuse('listCompareQuestions', { filter: { runs: ['rl', 'sft'], labelOnly: { label: 'made-up', run: 'rl' } } });
    expect(l).toEqual({ code: 'not_found', message: 'listCompareQuestions: unknown label: made-up' });
  });
});

describe('disagree', () => {
  const fig = (correct: number, letters: [number, number, number, number, number]) => ({ n: letters.reduce((a, b) => a + b), correct, letters });
  it('compares right/wrong first, then the sets of most frequent predictions', () => {
    expect(disagree([fig(1, [1, 0, 0, 0, 0]), fig(1, [1, 0, 0, 0, 0])])).toBe(false);
    expect(disagree([fig(0, [0, 1, 0, 0, 0]), fig(0, [0, 0, 1, 0, 0])])).toBe(true);
    // A 2–2 split of rollouts is its own answer: {A, B} is not {A}.
    expect(disagree([fig(2, [2, 2, 0, 0, 0]), fig(1, [1, 0, 0, 0, 0])])).toBe(true);
    expect(disagree([fig(2, [2, 2, 0, 0, 0]), fig(2, [2, 2, 0, 0, 0])])).toBe(false);
    // No readable prediction is an answer too.
    expect(disagree([fig(0, [0, 0, 0, 0, 1]), fig(0, [0, 1, 0, 0, 0])])).toBe(true);
    expect(disagree([fig(1, [1, 0, 0, 0, 0]), undefined])).toBe(false);
  });
});
