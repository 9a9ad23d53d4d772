// The API service on the demo workspace (real SQLite in a temp dir), called the way every shell calls it: dispatch().
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeBenchFiles } from '../../bench/generate.ts';
import { DEMO_DATA_ROOT, DEMO_DIR, DEMO_RUNS, buildDemo } from '../../electron/core/demo.ts';
import { dispatch } from '../../electron/core/dispatch.ts';
import { CotscopeError } from '../../electron/core/errors.ts';
import { ftsQuery } from '../../electron/core/fts-query.ts';
import { createService, serviceInternals, type Service } from '../../electron/core/service.ts';
import { openStore, type Store } from '../../electron/core/store.ts';
import type { ImportJob, Input, MethodName, Output, ResponseFilter, ResponseRow } from '../../shared/api.ts';

const expected = JSON.parse(fs.readFileSync(path.join(DEMO_DIR, 'expected.json'), 'utf8'));
type Figures = { responses: number; correct: number; format_errors: number; score_disagreements_inferpy: number; score_disagreements_grpocare: number | null };
const RUNS = ['rl-grpo', 'sft', 'rl-grpo-k4'];
const LEVELS = ['L1', 'L2', 'L3'] as const;
const figures = (run: string, level: string): Figures | undefined => expected.runs[run][level];
const sumOf = (pick: (f: Figures, run: string) => number, runs = RUNS) =>
  runs.reduce((n, run) => n + LEVELS.reduce((m, l) => m + (figures(run, l) ? pick(figures(run, l)!, run) : 0), 0), 0);
// The demo imports rl-grpo and rl-grpo-k4 from infer.py files and sft from GRPO-CARE files (see DEMO_RUNS).
const disagreements = (f: Figures, run: string) =>
  DEMO_RUNS.find((r) => r.name === run)!.files[0].includes('eval_16frames') ? f.score_disagreements_grpocare! : f.score_disagreements_inferpy;
const ALL = sumOf((f) => f.responses);

let root: string;
let template: string;
beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-svc-'));
  template = path.join(root, 'demo-template.db');
  const store = openStore(template);
  await buildDemo(store, undefined, { checks: false });
  store.close();
});
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

let dir: string;
let store: Store;
let service: Service;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(root, 'case-'));
  fs.copyFileSync(template, path.join(dir, 'w.db'));
  store = openStore(path.join(dir, 'w.db'));
  service = createService(store, { annotator: 'ana' });
});
afterEach(async () => {
  // A job left running would hold the workspace: let it end before the store closes.
  const { jobs } = serviceInternals(service);
  const busy = jobs.busy();
  if (busy) await jobs.cancel(busy.id);
  store.close();
});

async function call<M extends MethodName>(method: M, input?: Input<M>, svc: Service = service): Promise<Output<M>> {
  const r = await dispatch(svc, method, input);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as Output<M>;
}

async function refuse<M extends MethodName>(method: M, input?: unknown, svc: Service = service) {
  const r = await dispatch(svc, method, input);
  if (r.ok) throw new Error(`${method} succeeded: ${JSON.stringify(r.value)}`);
  return r.error;
}

async function list(filter: ResponseFilter = {}, more: Omit<Input<'listResponses'>, 'filter'> = {}): Promise<ResponseRow[]> {
  const page = await call('listResponses', { filter, limit: 500, ...more });
  expect(page.rows.length).toBe(Math.min(page.total, 500));
  return page.rows;
}

const total = async (filter: ResponseFilter) => (await call('listResponses', { filter, limit: 1 })).total;

async function responseId(run: string, sampleId: string, rollout = 0): Promise<number> {
  const row = (await list({ runs: [run], sampleId })).find((r) => r.rollout === rollout);
  if (!row) throw new Error(`no response ${run} ${sampleId} #${rollout}`);
  return row.id;
}

/** Every chain's raw text by response id, read straight from the workspace (the oracle for search tests). */
function raws(): Map<number, string> {
  return new Map((store.db.prepare('SELECT id, raw FROM responses').all() as { id: number; raw: string }[]).map((r) => [r.id, r.raw]));
}

describe('session and annotator', () => {
  it('starts with the given annotator, keeps a change in the workspace, and falls back to the OS user', async () => {
    expect(await call('getSession')).toMatchObject({ workspace: store.file, annotator: 'ana', canUndo: false, canRedo: false });
    expect((await call('setAnnotator', { name: '  bob ' })).annotator).toBe('bob');
    // A second window on the same workspace (or the next start) sees the same annotator.
    expect((await call('getSession', {}, createService(store, { annotator: 'ana' }))).annotator).toBe('bob');
    const other = openStore(path.join(dir, 'other.db'));
    try {
      expect((await call('getSession', {}, createService(other))).annotator).toBe(os.userInfo().username || 'analyst');
    } finally {
      other.close();
    }
    expect((await refuse('setAnnotator', { name: '   ' })).message).toMatch(/^setAnnotator: field `name`/);
  });

  it('creates the annotators row on first use and records it on every tag and verdict', async () => {
    const count = () => store.db.prepare("SELECT COUNT(*) AS n FROM annotators WHERE name = 'ana'").get();
    expect(count()).toEqual({ n: 0 });
    await call('createTag', { responseId: 1, label: 'format' });
    await call('setVerdict', { responseId: 1, supports: 'yes' });
    expect(count()).toEqual({ n: 1 });
    expect(store.db.prepare('SELECT DISTINCT a.name FROM tags t JOIN annotators a ON a.id = t.annotator_id').all()).toEqual([{ name: 'ana' }]);
    expect(store.db.prepare('SELECT DISTINCT a.name FROM verdicts v JOIN annotators a ON a.id = v.annotator_id').all()).toEqual([{ name: 'ana' }]);
  });
});

describe('listResponses', () => {
  it('lists every response of the demo, in sample order, a page at a time', async () => {
    const all = await list();
    expect(all).toHaveLength(ALL);
    expect(new Set(all.map((r) => r.id)).size).toBe(ALL);
    // Sample order: each question's responses together, runs in import order, rollouts in order.
    expect(all.slice(0, 6).map((r) => [r.sampleId, r.run, r.rollout])).toEqual([
      ['2051', 'rl-grpo', 0], ['2051', 'sft', 0], ['2051', 'rl-grpo-k4', 0], ['2051', 'rl-grpo-k4', 1],
      ['2051', 'rl-grpo-k4', 2], ['2051', 'rl-grpo-k4', 3],
    ]);
    expect(all[0]).toMatchObject({ level: 'L1', golden: 'B', taskGoal: 'make coffee', tagCount: 0, supports: null, reviewStatus: 'todo' });
    const pages: ResponseRow[] = [];
    for (let offset = 0; offset < ALL; offset += 10) {
      const page = await call('listResponses', { offset, limit: 10 });
      expect(page).toMatchObject({ total: ALL, offset });
      pages.push(...page.rows);
    }
    expect(pages.map((r) => r.id)).toEqual(all.map((r) => r.id));
    expect(await call('listResponses', { offset: 100 })).toEqual({ total: ALL, offset: 100, rows: [] });
  });

  it('filters by run, level, correctness, format and score disagreement exactly as expected.json counts them', async () => {
    for (const run of RUNS) {
      for (const level of LEVELS) {
        const f = figures(run, level);
        const rows = await list({ runs: [run], levels: [level] });
        expect(rows.length, `${run} ${level}`).toBe(f?.responses ?? 0);
        expect(rows.every((r) => r.run === run && r.level === level)).toBe(true);
        if (!f) continue;
        const right = await list({ runs: [run], levels: [level], correct: true });
        expect(right.length, `${run} ${level} correct`).toBe(f.correct);
        expect(right.every((r) => r.correct && r.prediction === r.golden)).toBe(true);
        expect(await total({ runs: [run], levels: [level], correct: false })).toBe(f.responses - f.correct);
        expect(await total({ runs: [run], levels: [level], formatOk: false }), `${run} ${level} format`).toBe(f.format_errors);
        expect(await total({ runs: [run], levels: [level], disagreement: true }), `${run} ${level} disagree`).toBe(disagreements(f, run));
      }
    }
    expect(await total({ correct: true })).toBe(sumOf((f) => f.correct));
    expect(await total({ formatOk: false })).toBe(sumOf((f) => f.format_errors));
    expect(await total({ disagreement: true })).toBe(sumOf(disagreements));
    expect(await total({ levels: ['L1', 'L3'] })).toBe(sumOf((f) => f.responses) - expected.runs['rl-grpo'].L2.responses - expected.runs.sft.L2.responses);
  });

  it('filters by method, sample id and several runs; unknown names match nothing, empty lists filter nothing', async () => {
    const rl = sumOf((f) => f.responses, ['rl-grpo', 'rl-grpo-k4']);
    expect(await total({ methods: ['rl'] })).toBe(rl);
    expect(await total({ methods: ['sft'] })).toBe(ALL - rl);
    expect(await total({ methods: ['rl'], runs: ['sft'] })).toBe(0);
    expect(await total({ runs: ['rl-grpo', 'sft'] })).toBe(32);
    expect(await total({ runs: ['no-such-run'] })).toBe(0);
    expect(await total({ runs: [], levels: [], methods: [], labels: [] })).toBe(ALL);
    // One question across every run and rollout: the compare view's query.
    expect((await list({ sampleId: '2051' })).map((r) => `${r.run}#${r.rollout}`)).toEqual([
      'rl-grpo#0', 'sft#0', 'rl-grpo-k4#0', 'rl-grpo-k4#1', 'rl-grpo-k4#2', 'rl-grpo-k4#3',
    ]);
    expect((await list({ sampleId: ' d58c3b07-6a9e-4d21-8f4b-2e0c9a7d1b36_2 ' })).map((r) => [r.level, r.run])).toEqual([
      ['L3', 'rl-grpo'], ['L3', 'sft'],
    ]);
    expect(await total({ sampleId: '99999' })).toBe(0);
  });

  it('sorts by every key in both directions, with pages that agree with the whole list', async () => {
    const all = await list();
    const bySample = all.map((r) => r.id);
    expect((await list({}, { order: 'desc' })).map((r) => r.id)).toEqual([...bySample].reverse());

    const steps = await list({}, { sort: 'steps' });
    expect(steps.map((r) => r.stepCount)).toEqual([...all.map((r) => r.stepCount)].sort((a, b) => a - b));
    const stepsDesc = await list({}, { sort: 'steps', order: 'desc' });
    expect(stepsDesc.map((r) => r.stepCount)).toEqual([...all.map((r) => r.stepCount)].sort((a, b) => b - a));

    const correct = await list({}, { sort: 'correct' });
    const wrong = all.filter((r) => !r.correct).length;
    expect(correct.slice(0, wrong).every((r) => !r.correct) && correct.slice(wrong).every((r) => r.correct)).toBe(true);

    expect((await list({}, { sort: 'level' })).map((r) => r.level)).toEqual([...all.map((r) => r.level)].sort());
    expect((await list({}, { sort: 'run', order: 'desc' })).map((r) => r.run)).toEqual([...all.map((r) => r.run)].sort().reverse());

    const tagged = [all[5].id, all[5].id, all[9].id];
    for (const id of tagged) await call('createTag', { responseId: id, label: 'format' });
    const byTags = await list({}, { sort: 'tags', order: 'desc' });
    expect(byTags.slice(0, 2).map((r) => [r.id, r.tagCount])).toEqual([[all[5].id, 2], [all[9].id, 1]]);

    for (const sort of ['sample', 'run', 'level', 'correct', 'steps', 'tags'] as const) {
      for (const order of ['asc', 'desc'] as const) {
        const whole = (await list({}, { sort, order })).map((r) => r.id);
        const paged: number[] = [];
        for (let offset = 0; offset < ALL; offset += 7) {
          paged.push(...(await call('listResponses', { sort, order, offset, limit: 7 })).rows.map((r) => r.id));
        }
        expect(paged, `${sort} ${order}`).toEqual(whole);
      }
    }
  });

  it('locates a response in the filtered, sorted list (for previous/next in the workbench)', async () => {
    await call('createTag', { responseId: 3, label: 'format' });
    const cases: [ResponseFilter, Input<'listResponses'>['sort'], 'asc' | 'desc'][] = [
      [{}, 'sample', 'asc'],
      [{}, 'sample', 'desc'],
      [{ runs: ['sft'] }, 'steps', 'desc'],
      [{ correct: false }, 'run', 'asc'],
      [{ levels: ['L1'] }, 'level', 'desc'],
      [{}, 'tags', 'desc'],
      [{ text: 'kettle' }, 'correct', 'asc'],
    ];
    for (const [filter, sort, order] of cases) {
      const rows = await list(filter, { sort, order });
      for (const [i, r] of rows.entries()) {
        expect(await call('locateResponse', { id: r.id, filter, sort, order }), JSON.stringify([filter, sort, order, i])).toEqual({
          index: i,
          total: rows.length,
        });
      }
    }
    const sft = await list({ runs: ['sft'] });
    const rl = (await list({ runs: ['rl-grpo'] }))[0];
    expect(await call('locateResponse', { id: rl.id, filter: { runs: ['sft'] } })).toEqual({ index: null, total: sft.length });
    expect(await call('locateResponse', { id: 99999 })).toEqual({ index: null, total: ALL });
  });
});

describe('full-text search', () => {
  it('finds exactly the chains that contain a word, a prefix, both or either of two words', async () => {
    const text = raws();
    const having = (re: RegExp) => [...text].filter(([, raw]) => re.test(raw)).map(([id]) => id).sort((a, b) => a - b);
    const found = async (q: string) => (await list({ text: q })).map((r) => r.id).sort((a, b) => a - b);

    const detergent = having(/\bdetergent\b/i);
    expect(detergent.length).toBeGreaterThan(0);
    expect(detergent.length).toBeLessThan(ALL);
    expect(await found('detergent')).toEqual(detergent);
    expect(await found('DETERGENT')).toEqual(detergent);
    expect(await found('kett*')).toEqual(having(/\bkett/i));
    expect(await found('kettle boiling')).toEqual(having(/\bkettle\b/i).filter((id) => having(/\bboiling\b/i).includes(id)));
    expect(await found('kettle OR detergent')).toEqual([...new Set([...having(/\bkettle\b/i), ...detergent])].sort((a, b) => a - b));
    expect(await found('"the crumbs are at the edge"')).toEqual(having(/the crumbs are at the edge/i));
    // Combined with other filters.
    expect((await list({ text: 'kettle', runs: ['sft'] })).every((r) => r.run === 'sft' && /\bkettle\b/i.test(text.get(r.id)!))).toBe(true);
  });

  it("survives anything typed into the search box: can't, C., a lone quote, AND, brackets, column filters", async () => {
    const text = raws();
    const inputs = [`can't`, 'C.', '"', '""', 'AND', 'OR', 'NOT', 'kettle AND', 'NOT kettle', 'kettle OR', '(', ')', '*', '-',
      '^kettle', 'NEAR(kettle tap)', 'raw:kettle', 'raw : kettle', "'", 'a"b', '\\', 'kettle"', '{raw}: x', '+', 'kettle - tap', 'é', '   '];
    for (const q of inputs) {
      const r = await dispatch(service, 'listResponses', { filter: { text: q } });
      expect(r.ok, `${q}: ${JSON.stringify(r)}`).toBe(true);
    }
    const c = await list({ text: 'C.' });
    expect(c.length).toBeGreaterThan(0);
    expect(c.every((r) => /\bc\b/i.test(text.get(r.id)!))).toBe(true);
    // A lone AND is the word "and"; nothing searchable (a quote, punctuation) leaves the list unfiltered.
    expect((await list({ text: 'AND' })).every((r) => /\band\b/i.test(text.get(r.id)!))).toBe(true);
    expect(await total({ text: '"' })).toBe(ALL);
    expect(await total({ text: 'zzzqqq' })).toBe(0);
  });

  it('quotes every term, so FTS5 syntax in user input cannot raise an error', () => {
    expect(ftsQuery(`can't`)).toBe(`"can't"`);
    expect(ftsQuery('C.')).toBe('"C."');
    expect(ftsQuery('"')).toBeNull();
    expect(ftsQuery('AND')).toBe('"AND"');
    expect(ftsQuery('kettle OR tap')).toBe('"kettle" OR "tap"');
    expect(ftsQuery('kettle AND tap')).toBe('"kettle" "tap"');
    expect(ftsQuery('kettle OR NOT tap')).toBe('"kettle" "OR" NOT "tap"');
    expect(ftsQuery('"close the tap" kett*')).toBe('"close the tap" "kett"*');
    expect(ftsQuery('say "hi')).toBe('"say" "hi"');
  });
});

describe('getResponse', () => {
  it('returns the chain, its steps as slices of the raw text, the question and its media', async () => {
    const id = await responseId('rl-grpo', '2051');
    const r = await call('getResponse', { id });
    expect(r).toMatchObject({ id, rollout: 0, prediction: 'B', correct: true, formatOk: true, answerText: 'put coffee into cup' });
    expect(r.run).toEqual({ id: r.run.id, name: 'rl-grpo', method: 'rl', settings: { sampleFps: 2, minFrames: 4, maxFrames: 16 } });
    expect(r.steps.length).toBeGreaterThan(1);
    let end = r.thinkStart!;
    for (const [i, s] of r.steps.entries()) {
      expect(s.index).toBe(i);
      expect(s.start).toBeGreaterThanOrEqual(end);
      expect(s.end).toBeLessThanOrEqual(r.thinkEnd!);
      expect(r.raw.slice(s.start, s.end).trim()).toBe(r.raw.slice(s.start, s.end));
      end = s.end;
    }
    expect(r.raw.slice(r.steps[0].start, r.steps[0].end)).toBe('Let me look at what has been done.');
    expect(r.sample).toMatchObject({
      level: 'L1', sampleId: '2051', videoSource: 'EpicKitchens', taskGoal: 'make coffee', golden: 'B',
      options: { B: 'put coffee into cup' }, currentObservationFrame: 400, domain: null,
    });
    expect(r.sample.taskProgress).toHaveLength(3);
    expect(r.sample.taskProgress[0]).toHaveProperty('narration_text');
    expect(r.video).toMatchObject({ kind: 'video', relPath: 'videos/EpicKitchens/2051.mp4', expected: true, present: true });
    expect(r.image).toMatchObject({ kind: 'image', relPath: 'images/EpicKitchens/2051.png', expected: true, present: true });
    expect(r.tags).toEqual([]);
    expect(r.verdicts).toEqual([]);
    expect(r.mine).toBeNull();

    const file = service.mediaFile(r.video!.id)!;
    expect(file).toEqual({ path: path.join(fs.realpathSync(DEMO_DATA_ROOT), 'videos/EpicKitchens/2051.mp4'), root: fs.realpathSync(DEMO_DATA_ROOT) });
    expect(fs.existsSync(file.path)).toBe(true);
    expect(service.mediaFile(99999)).toBeNull();
  });

  it('tells a question without task progress (no video expected) from a missing video, and L3 fields', async () => {
    const r = await call('getResponse', { id: await responseId('sft', '3247') });
    expect(r.video).toMatchObject({ expected: false, present: false });
    expect(r.image).toMatchObject({ expected: true, present: true });
    expect(r.sample.taskProgress).toEqual([]);
    const l3 = await call('getResponse', { id: await responseId('rl-grpo', 'd58c3b07-6a9e-4d21-8f4b-2e0c9a7d1b36_2') });
    expect(l3.sample.level).toBe('L3');
    expect(l3.sample.domain).not.toBeNull();
    expect(l3.sample.taskStartFrame).not.toBeNull();
  });

  it('answers not_found for an unknown id', async () => {
    expect(await refuse('getResponse', { id: 99999 })).toEqual({ code: 'not_found', message: 'getResponse: no response 99999' });
  });
});

describe('tags', () => {
  it('a new tag shows in the response, the list, the label filter and the label counts', async () => {
    const id = await responseId('rl-grpo', '2233');
    const raw = (await call('getResponse', { id })).raw;
    const tag = await call('createTag', {
      responseId: id, label: 'hallucination', steps: [1, 2], span: [10, 40], time: [1.5, 3.25], note: 'no toaster in the clip', severity: 'major',
    });
    expect(tag).toMatchObject({
      responseId: id, label: 'hallucination', annotator: 'ana', steps: [1, 2], span: [10, 40], time: [1.5, 3.25],
      note: 'no toaster in the clip', severity: 'major', origin: 'human',
    });
    expect(tag.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(raw.length).toBeGreaterThan(40);
    expect((await call('getResponse', { id })).tags).toEqual([tag]);
    expect((await list({ labels: ['hallucination'] })).map((r) => [r.id, r.tagCount])).toEqual([[id, 1]]);
    expect((await list({ labels: ['format', 'hallucination'] })).map((r) => r.id)).toEqual([id]);
    expect(await total({ labels: ['format'] })).toBe(0);
    expect((await call('listLabels')).find((l) => l.key === 'hallucination')!.tagCount).toBe(1);
    expect((await call('getSession')).canUndo).toBe(true);
  });

  it('counts a response once however many tags it carries, and combines label, verdict and annotator filters', async () => {
    const a = await responseId('rl-grpo', '2233');
    const b = await responseId('sft', '2233');
    const c = await responseId('rl-grpo', '2051');
    await call('createTag', { responseId: a, label: 'hallucination', steps: [0, 0] });
    await call('createTag', { responseId: a, label: 'hallucination', steps: [1, 1] });
    await call('createTag', { responseId: a, label: 'format' });
    await call('createTag', { responseId: b, label: 'hallucination' });
    await call('createTag', { responseId: c, label: 'format' });
    await call('setVerdict', { responseId: b, supports: 'no' });
    await call('setVerdict', { responseId: c, supports: 'no' });
    const both = async (filter: ResponseFilter) => {
      const rows = await list(filter);
      expect(await total(filter)).toBe(rows.length); // the total agrees with the rows listed
      return rows.map((r) => r.id).sort((x, y) => x - y);
    };
    expect(await both({ labels: ['hallucination'] })).toEqual([a, b].sort((x, y) => x - y));
    expect(await both({ labels: ['hallucination', 'format'] })).toEqual([a, b, c].sort((x, y) => x - y));
    expect(await both({ labels: ['hallucination'], verdict: 'no' })).toEqual([b]);
    expect(await both({ labels: ['format'], verdict: 'no', annotator: 'ana' })).toEqual([c]);
    expect(await both({ labels: ['hallucination'], runs: ['rl-grpo'] })).toEqual([a]);
    // "No verdict yet" and "to do" are counted as all responses less the judged ones.
    expect(await both({ verdict: 'none' })).toHaveLength(ALL - 2);
    expect(await both({ verdict: 'none' })).not.toContain(b);
    expect(await both({ labels: ['hallucination'], verdict: 'none' })).toEqual([a]);
    expect(await both({ labels: ['format', 'hallucination'], verdict: 'none', annotator: 'ana' })).toEqual([a]);
    await call('setVerdict', { responseId: a, reviewStatus: 'done' });
    expect(await both({ review: 'todo' })).toHaveLength(ALL - 1);
    expect(await both({ review: 'todo', verdict: 'none' })).toHaveLength(ALL - 3);
    expect(await both({ review: 'done' })).toEqual([a]);
    await call('deleteTag', { uuid: (await call('getResponse', { id: b })).tags[0].uuid });
    expect(await both({ labels: ['hallucination'] })).toEqual([a]);
  });

  it('refuses a tag outside the response, an unknown label or a retired one, naming the field', async () => {
    const id = await responseId('rl-grpo', '2051');
    const r = await call('getResponse', { id });
    const n = r.steps.length;
    expect(await refuse('createTag', { responseId: id, label: 'format', steps: [0, n] })).toEqual({
      code: 'invalid_input',
      message: `createTag: field \`steps\`: step ${n} does not exist: this response has ${n} steps (0–${n - 1})`,
    });
    expect((await refuse('createTag', { responseId: id, label: 'format', span: [0, r.raw.length + 1] })).message).toMatch(
      /^createTag: field `span`: characters 0–\d+ run past the end of the response/,
    );
    expect((await call('createTag', { responseId: id, label: 'format', span: [0, r.raw.length] })).span).toEqual([0, r.raw.length]);
    expect((await refuse('createTag', { responseId: id, label: 'no-such-label' })).message).toMatch(/^createTag: field `label`: no label "no-such-label"/);
    expect((await refuse('createTag', { responseId: id, label: 'format', steps: [3, 1] })).message).toMatch(/^createTag: field `steps`/);
    expect((await refuse('createTag', { responseId: id, label: 'format', time: [5, 1] })).message).toMatch(/^createTag: field `time`/);
    expect((await refuse('createTag', { responseId: id, label: 'Bad Key' })).message).toMatch(/^createTag: field `label`/);
    expect(await refuse('createTag', { responseId: 99999, label: 'format' })).toMatchObject({ code: 'not_found' });
    await call('retireLabel', { key: 'degenerate', retired: true });
    expect((await refuse('createTag', { responseId: id, label: 'degenerate' })).message).toMatch(/^createTag: field `label`: label "degenerate" is retired/);
  });

  it('updates a tag field by field; null clears a field', async () => {
    const id = await responseId('sft', '2318');
    const tag = await call('createTag', { responseId: id, label: 'temporal-order', steps: [0, 1], note: 'salt first?' });
    const moved = await call('updateTag', { uuid: tag.uuid, steps: [1, 2], severity: 'critical' });
    expect(moved).toMatchObject({ steps: [1, 2], severity: 'critical', note: 'salt first?', label: 'temporal-order' });
    const cleared = await call('updateTag', { uuid: tag.uuid, steps: null, note: null, label: 'overlooked-cue', time: [8, 9.3] });
    expect(cleared).toMatchObject({ steps: null, note: null, label: 'overlooked-cue', time: [8, 9.3], severity: 'critical' });
    expect((await call('getResponse', { id })).tags).toEqual([cleared]);
    expect(await total({ labels: ['temporal-order'] })).toBe(0);
    expect(await total({ labels: ['overlooked-cue'] })).toBe(1);
    expect((await refuse('updateTag', { uuid: tag.uuid, steps: [0, 999] })).message).toMatch(/^updateTag: field `steps`/);
    expect(await refuse('updateTag', { uuid: '00000000-0000-4000-8000-000000000000', note: 'x' })).toMatchObject({ code: 'not_found' });
    expect((await refuse('updateTag', { uuid: 'not-a-uuid' })).message).toMatch(/^updateTag: field `uuid`/);
  });

  it("leaves another annotator's tags alone", async () => {
    const tag = await call('createTag', { responseId: 1, label: 'format' });
    await call('setAnnotator', { name: 'bob' });
    expect((await refuse('updateTag', { uuid: tag.uuid, note: 'mine now' })).message).toMatch(/made by ana; you are bob/);
    expect((await refuse('deleteTag', { uuid: tag.uuid })).message).toMatch(/^deleteTag: tag .* made by ana/);
    // Bob sees Ana's tag, with her name on it.
    expect((await call('getResponse', { id: 1 })).tags.map((t) => t.annotator)).toEqual(['ana']);
  });

  it('deleting a tag hides it everywhere but keeps a tombstone', async () => {
    const id = await responseId('rl-grpo', '3376');
    const tag = await call('createTag', { responseId: id, label: 'overlooked-cue' });
    expect(await call('deleteTag', { uuid: tag.uuid })).toEqual({ uuid: tag.uuid });
    expect((await call('getResponse', { id })).tags).toEqual([]);
    expect(await total({ labels: ['overlooked-cue'] })).toBe(0);
    expect((await list({ sampleId: '3376', runs: ['rl-grpo'] }))[0].tagCount).toBe(0);
    expect((await call('listLabels')).find((l) => l.key === 'overlooked-cue')!.tagCount).toBe(0);
    const row = store.db.prepare('SELECT deleted_at FROM tags WHERE uuid = ?').get(tag.uuid) as { deleted_at: string | null };
    expect(row.deleted_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    // Deleting again changes nothing and is not an error; editing a deleted tag is.
    expect(await call('deleteTag', { uuid: tag.uuid })).toEqual({ uuid: tag.uuid });
    expect(await refuse('updateTag', { uuid: tag.uuid, note: 'x' })).toMatchObject({ code: 'not_found' });
  });
});

describe('verdicts', () => {
  it("keeps one verdict per annotator and response, patched field by field, and filters by the current annotator's", async () => {
    const [a, b, c] = (await list()).map((r) => r.id);
    const v = await call('setVerdict', { responseId: a, supports: 'no', note: 'concludes D' });
    expect(v).toMatchObject({ responseId: a, annotator: 'ana', supports: 'no', reviewStatus: 'todo', note: 'concludes D' });
    const again = await call('setVerdict', { responseId: a, reviewStatus: 'done' });
    expect(again).toMatchObject({ uuid: v.uuid, supports: 'no', reviewStatus: 'done', note: 'concludes D' });
    await call('setVerdict', { responseId: b, supports: 'yes', reviewStatus: 'done' });
    await call('setVerdict', { responseId: c, reviewStatus: 'skipped' });
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM verdicts').get()).toEqual({ n: 3 });

    expect((await list({ verdict: 'no' })).map((r) => r.id)).toEqual([a]);
    expect((await list({ verdict: 'yes' })).map((r) => [r.id, r.supports, r.reviewStatus])).toEqual([[b, 'yes', 'done']]);
    expect(await total({ verdict: 'none' })).toBe(ALL - 2);
    expect((await list({ review: 'done' })).map((r) => r.id)).toEqual([a, b]);
    expect((await list({ review: 'skipped' })).map((r) => r.id)).toEqual([c]);
    expect(await total({ review: 'todo' })).toBe(ALL - 3);
    const detail = await call('getResponse', { id: a });
    expect(detail.mine).toEqual(again);
    expect(detail.verdicts).toEqual([again]);

    // Another annotator starts with nothing judged, and sees Ana's verdict beside their own.
    await call('setAnnotator', { name: 'bob' });
    expect(await total({ verdict: 'none' })).toBe(ALL);
    expect(await total({ review: 'todo' })).toBe(ALL);
    expect(await total({ verdict: 'no' })).toBe(0);
    await call('setVerdict', { responseId: a, supports: 'yes' });
    const both = await call('getResponse', { id: a });
    expect(both.verdicts.map((x) => [x.annotator, x.supports])).toEqual([['ana', 'no'], ['bob', 'yes']]);
    expect(both.mine).toMatchObject({ annotator: 'bob', supports: 'yes' });
    expect((await list({ verdict: 'yes' })).map((r) => r.id)).toEqual([a]);
  });

  it('finds what an annotator tagged or judged', async () => {
    const [a, b, c] = (await list()).map((r) => r.id);
    await call('createTag', { responseId: a, label: 'format' });
    await call('setVerdict', { responseId: b, supports: 'unclear' });
    await call('setAnnotator', { name: 'bob' });
    await call('createTag', { responseId: c, label: 'format' });
    expect((await list({ annotator: 'ana' })).map((r) => r.id)).toEqual([a, b]);
    expect((await list({ annotator: 'bob' })).map((r) => r.id)).toEqual([c]);
    expect(await total({ annotator: 'nobody' })).toBe(0);
    expect((await list({ annotator: 'ana', labels: ['format'] })).map((r) => r.id)).toEqual([a]);
  });

  it('lists every annotator by name with their live tags and verdicts; tombstones do not count', async () => {
    expect(await call('listAnnotators')).toEqual([]);
    // A second window on the same workspace, annotating as someone else (no annotator is stored in the workspace yet).
    const zoe = createService(store, { annotator: 'zoe' });
    const [a, b, c] = (await list()).map((r) => r.id);
    await call('createTag', { responseId: a, label: 'format' });
    const gone = await call('createTag', { responseId: b, label: 'format' });
    await call('setVerdict', { responseId: c, supports: 'yes' });
    await call('createTag', { responseId: a, label: 'format' }, zoe);
    await call('createTag', { responseId: c, label: 'format' }, zoe);
    await call('setVerdict', { responseId: a, supports: 'no' }, zoe);
    await call('setVerdict', { responseId: b, reviewStatus: 'done' }, zoe);
    await call('deleteTag', { uuid: gone.uuid });
    await call('undo', {}, zoe); // tombstones zoe's verdict on b
    const want = [
      { name: 'ana', kind: 'human', tags: 1, verdicts: 1 },
      { name: 'zoe', kind: 'human', tags: 2, verdicts: 1 },
    ];
    expect(await call('listAnnotators')).toEqual(want);
    expect(await call('listAnnotators', {}, zoe)).toEqual(want);
    expect((await list({ annotator: 'zoe' })).map((r) => r.id)).toEqual([a, c]);
    // An annotator whose tags are all deleted is still listed, with no tags counted.
    await call('deleteTag', { uuid: (await call('getResponse', { id: a })).tags.find((t) => t.annotator === 'ana')!.uuid });
    expect((await call('listAnnotators'))[0]).toEqual({ name: 'ana', kind: 'human', tags: 0, verdicts: 1 });
  });
});

describe('undo and redo', () => {
  it('walks back and forth through create, update, delete and verdict actions', async () => {
    const id = await responseId('rl-grpo', '2318');
    const state = async () => {
      const r = await call('getResponse', { id });
      return { tags: r.tags.map((t) => [t.label, t.note]), supports: r.mine?.supports ?? null };
    };
    const tag = await call('createTag', { responseId: id, label: 'inconsistent', note: 'concludes D' });
    await call('updateTag', { uuid: tag.uuid, note: 'concludes stir sauce (D)' });
    await call('setVerdict', { responseId: id, supports: 'no' });
    await call('deleteTag', { uuid: tag.uuid });
    expect(await state()).toEqual({ tags: [], supports: 'no' });

    expect(await call('undo')).toEqual({ responseId: id, action: 'tag.delete', canUndo: true, canRedo: true });
    expect(await state()).toEqual({ tags: [['inconsistent', 'concludes stir sauce (D)']], supports: 'no' });
    expect((await call('undo')).action).toBe('verdict.set');
    expect(await state()).toEqual({ tags: [['inconsistent', 'concludes stir sauce (D)']], supports: null });
    expect(await total({ verdict: 'none' })).toBe(ALL);
    expect((await call('undo')).action).toBe('tag.update');
    expect(await state()).toEqual({ tags: [['inconsistent', 'concludes D']], supports: null });
    expect(await call('undo')).toEqual({ responseId: id, action: 'tag.create', canUndo: false, canRedo: true });
    expect(await state()).toEqual({ tags: [], supports: null });
    // Undoing a create tombstones the tag; the row stays.
    expect(store.db.prepare('SELECT deleted_at IS NOT NULL AS gone FROM tags WHERE uuid = ?').get(tag.uuid)).toEqual({ gone: 1 });
    expect(await call('undo')).toEqual({ responseId: null, action: null, canUndo: false, canRedo: true });

    expect((await call('redo')).action).toBe('tag.create');
    expect(await state()).toEqual({ tags: [['inconsistent', 'concludes D']], supports: null });
    expect((await call('redo')).action).toBe('tag.update');
    expect((await call('redo')).action).toBe('verdict.set');
    expect(await state()).toEqual({ tags: [['inconsistent', 'concludes stir sauce (D)']], supports: 'no' });
    expect(await call('redo')).toEqual({ responseId: id, action: 'tag.delete', canUndo: true, canRedo: false });
    expect(await state()).toEqual({ tags: [], supports: 'no' });
    expect((await call('redo')).action).toBeNull();
  });

  it('a new action clears the redo stack', async () => {
    const id = await responseId('sft', '2051');
    const first = await call('createTag', { responseId: id, label: 'overlooked-cue' });
    await call('createTag', { responseId: id, label: 'format' });
    await call('undo');
    expect((await call('getSession')).canRedo).toBe(true);
    await call('updateTag', { uuid: first.uuid, severity: 'minor' });
    expect(await call('getSession')).toMatchObject({ canUndo: true, canRedo: false });
    expect((await call('redo')).action).toBeNull();
    expect((await call('getResponse', { id })).tags.map((t) => [t.label, t.severity])).toEqual([['overlooked-cue', 'minor']]);
    // The cleared action is marked so it can never come back.
    expect(store.db.prepare('SELECT action, undone FROM history ORDER BY id').all()).toEqual([
      { action: 'tag.create', undone: 0 },
      { action: 'tag.create', undone: 2 },
      { action: 'tag.update', undone: 0 },
    ]);
    expect((await call('undo')).action).toBe('tag.update');
    expect((await call('undo')).action).toBe('tag.create');
    expect((await call('undo')).action).toBeNull();
  });

  it('writes a history row with the row before and after, in the same transaction as the change', async () => {
    const tag = await call('createTag', { responseId: 1, label: 'format', note: 'a' });
    await call('updateTag', { uuid: tag.uuid, note: 'b' });
    // An update that changes nothing is not an action.
    await call('updateTag', { uuid: tag.uuid, note: 'b' });
    const rows = store.db.prepare('SELECT action, entity, entity_uuid, before, after FROM history ORDER BY id').all() as any[];
    expect(rows.map((r) => [r.action, r.entity, r.entity_uuid])).toEqual([
      ['tag.create', 'tag', tag.uuid],
      ['tag.update', 'tag', tag.uuid],
    ]);
    expect(rows[0].before).toBeNull();
    expect(JSON.parse(rows[0].after)).toMatchObject({ uuid: tag.uuid, note: 'a', deleted_at: null });
    expect(JSON.parse(rows[1].before).note).toBe('a');
    expect(JSON.parse(rows[1].after).note).toBe('b');
    // A change that fails leaves neither the change nor a history row.
    await refuse('createTag', { responseId: 1, label: 'format', steps: [0, 999] });
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM history').get()).toEqual({ n: 2 });
  });

  it("each annotator undoes only their own actions", async () => {
    await call('createTag', { responseId: 1, label: 'format' });
    await call('setAnnotator', { name: 'bob' });
    expect(await call('getSession')).toMatchObject({ canUndo: false, canRedo: false });
    expect((await call('undo')).action).toBeNull();
    await call('setVerdict', { responseId: 1, supports: 'yes' });
    expect((await call('undo')).action).toBe('verdict.set');
    expect((await call('getResponse', { id: 1 })).tags).toHaveLength(1);
    await call('setAnnotator', { name: 'ana' });
    expect((await call('undo')).action).toBe('tag.create');
    expect((await call('getResponse', { id: 1 })).tags).toHaveLength(0);
  });
});

describe('labels', () => {
  it('adds and edits labels; a hotkey taken by another live label is a conflict naming both', async () => {
    const added = await call('saveLabel', { key: 'wrong-object', name: 'Wrong object', color: '#123456', target: 'span', hotkey: '9' });
    expect(added).toEqual({
      key: 'wrong-object', name: 'Wrong object', description: '', color: '#123456', hotkey: '9', target: 'span', sortOrder: 8, retired: false, tagCount: 0,
    });
    const edited = await call('saveLabel', { key: 'wrong-object', name: 'Wrong object named', color: '#654321', target: 'time', description: 'names the wrong thing' });
    expect(edited).toMatchObject({ name: 'Wrong object named', hotkey: null, target: 'time', sortOrder: 8, description: 'names the wrong thing' });
    expect(await refuse('saveLabel', { key: 'wrong-object', name: 'x', color: '#000000', target: 'span', hotkey: '3' })).toEqual({
      code: 'conflict',
      message: 'saveLabel: hotkey "3" for label "wrong-object" is already used by label "hallucination"; choose another key or clear it there first',
    });
    expect((await refuse('saveLabel', { key: 'x', name: 'x', color: 'red', target: 'span' })).message).toMatch(/^saveLabel: field `color`/);
    // Saving a label with its own hotkey again is fine.
    expect((await call('saveLabel', { key: 'format', name: 'Format', color: '#bcbd22', target: 'response', hotkey: '8' })).hotkey).toBe('8');
    expect((await call('listLabels')).map((l) => l.key)).toEqual([
      'inconsistent', 'overlooked-cue', 'hallucination', 'wrong-next-step', 'ignored-goal', 'temporal-order', 'degenerate', 'format', 'wrong-object',
    ]);
  });

  it('a retired label keeps its tags and frees its hotkey, but takes no new tags', async () => {
    const id = await responseId('rl-grpo', '2233');
    const tag = await call('createTag', { responseId: id, label: 'hallucination' });
    const retired = await call('retireLabel', { key: 'hallucination', retired: true });
    expect(retired).toMatchObject({ key: 'hallucination', retired: true, tagCount: 1, hotkey: '3' });
    expect((await call('getResponse', { id })).tags.map((t) => t.uuid)).toEqual([tag.uuid]);
    expect(await total({ labels: ['hallucination'] })).toBe(1);
    expect((await refuse('createTag', { responseId: id, label: 'hallucination' })).code).toBe('invalid_input');
    // Its old tags can still be edited (but not moved to it from another label).
    expect((await call('updateTag', { uuid: tag.uuid, note: 'still here' })).label).toBe('hallucination');
    const other = await call('createTag', { responseId: id, label: 'format' });
    expect((await refuse('updateTag', { uuid: other.uuid, label: 'hallucination' })).message).toMatch(/field `label`: label "hallucination" is retired/);
    expect((await call('listLabels', { includeRetired: false })).map((l) => l.key)).not.toContain('hallucination');
    expect((await call('listLabels')).find((l) => l.key === 'hallucination')!.retired).toBe(true);
    // Its hotkey is free now; taking it blocks bringing the label back until it is cleared.
    await call('saveLabel', { key: 'invented-object', name: 'Invented object', color: '#9467bd', target: 'time', hotkey: '3' });
    expect(await refuse('retireLabel', { key: 'hallucination', retired: false })).toMatchObject({ code: 'conflict' });
    await call('saveLabel', { key: 'invented-object', name: 'Invented object', color: '#9467bd', target: 'time', hotkey: null });
    expect(await call('retireLabel', { key: 'hallucination', retired: false })).toMatchObject({ retired: false, hotkey: '3' });
    expect(await refuse('retireLabel', { key: 'no-such', retired: true })).toMatchObject({ code: 'not_found' });
  });
});

describe('runs', () => {
  it('lists runs with their response counts, levels and settings; settings are saved', async () => {
    const runs = await call('listRuns');
    expect(runs.map((r) => [r.name, r.method, r.responses, r.levels])).toEqual([
      ['rl-grpo', 'rl', 16, ['L1', 'L2', 'L3']],
      ['sft', 'sft', 16, ['L1', 'L2', 'L3']],
      ['rl-grpo-k4', 'rl', 12, ['L1']],
    ]);
    expect(runs[0].settings).toEqual({ sampleFps: 2, minFrames: 4, maxFrames: 16 });
    const saved = await call('setRunSettings', { name: 'sft', settings: { sampleFps: 1, maxFrames: 32 } });
    expect(saved.settings).toEqual({ sampleFps: 1, minFrames: 4, maxFrames: 32 });
    expect((await call('listRuns'))[1].settings).toEqual({ sampleFps: 1, minFrames: 4, maxFrames: 32 });
    expect((await call('getResponse', { id: await responseId('sft', '2051') })).run.settings.maxFrames).toBe(32);
    expect(await refuse('setRunSettings', { name: 'nope', settings: {} })).toEqual({ code: 'not_found', message: 'setRunSettings: no run named "nope"' });
    expect((await refuse('setRunSettings', { name: 'sft', settings: { sampleFps: -1 } })).message).toMatch(/^setRunSettings: field `settings.sampleFps`/);
    expect((await refuse('setRunSettings', { name: 'sft', settings: { minFrames: 20, maxFrames: 8 } })).message).toMatch(/field `settings.minFrames`/);
  });
});

describe('datasets', () => {
  it('lists the data root with its samples and missing media, and keeps a frame mapping', async () => {
    const [d] = await call('listDatasets');
    expect(d).toEqual({
      id: d.id, name: 'SEED-Bench-R1', root: fs.realpathSync(DEMO_DATA_ROOT), samples: 16,
      // 3247 has no video on purpose, but none is expected: its task progress is empty.
      missingVideos: 0, missingImages: 0, frameMapping: { fps: 30, start: 'first-narration' },
    });
    expect(await call('setFrameMapping', { datasetId: d.id, mapping: { fps: 25, start: 'task-start' } })).toMatchObject({ frameMapping: { fps: 25, start: 'task-start' } });
    expect((await call('listDatasets'))[0].frameMapping).toEqual({ fps: 25, start: 'task-start' });
    expect((await refuse('setFrameMapping', { datasetId: d.id, mapping: { fps: 0 } })).message).toMatch(/^setFrameMapping: field `mapping.fps`/);
    expect(await refuse('setFrameMapping', { datasetId: 999, mapping: {} })).toMatchObject({ code: 'not_found' });
  });

  it('remaps a moved data root and re-checks every video and image there', async () => {
    const [d] = await call('listDatasets');
    const moved = path.join(dir, 'moved-root');
    fs.cpSync(DEMO_DATA_ROOT, moved, { recursive: true });
    fs.rmSync(path.join(moved, 'videos/EpicKitchens/2051.mp4'));
    fs.rmSync(path.join(moved, 'images/Ego4D/3120.png'));
    const after = await call('remapDataRoot', { datasetId: d.id, root: moved });
    expect(after).toMatchObject({ root: fs.realpathSync(moved), samples: 16, missingVideos: 1, missingImages: 1 });
    const r = await call('getResponse', { id: await responseId('rl-grpo', '2051') });
    expect(r.video).toMatchObject({ present: false, expected: true });
    expect(r.image).toMatchObject({ present: true });
    expect(service.mediaFile(r.image!.id)).toEqual({ path: path.join(fs.realpathSync(moved), 'images/EpicKitchens/2051.png'), root: fs.realpathSync(moved) });
    const bytes = store.db.prepare("SELECT bytes FROM media WHERE rel_path = 'images/EpicKitchens/2051.png'").get() as { bytes: number };
    expect(bytes.bytes).toBe(fs.statSync(path.join(moved, 'images/EpicKitchens/2051.png')).size);

    // Back to a complete copy, through a relative path.
    fs.cpSync(DEMO_DATA_ROOT, path.join(dir, 'complete'), { recursive: true });
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(await call('remapDataRoot', { datasetId: d.id, root: 'complete' })).toMatchObject({ root: fs.realpathSync(path.join(dir, 'complete')), missingVideos: 0, missingImages: 0 });
    } finally {
      process.chdir(cwd);
    }
  });

  it('refuses a data root that does not exist, changing nothing', async () => {
    const [d] = await call('listDatasets');
    const missing = path.join(dir, 'no-such-folder');
    expect(await refuse('remapDataRoot', { datasetId: d.id, root: missing })).toEqual({
      code: 'invalid_input',
      message: `remapDataRoot: field \`root\`: no such folder: ${missing}`,
    });
    expect((await call('listDatasets'))[0].root).toBe(fs.realpathSync(DEMO_DATA_ROOT));
    expect(await refuse('remapDataRoot', { datasetId: 999, root: dir })).toMatchObject({ code: 'not_found' });
  });

  it('serves no media file for a dataset imported without a data root', async () => {
    const bare = openStore(path.join(dir, 'bare.db'));
    try {
      await buildDemo(bare).catch(() => undefined);
      bare.db.prepare('UPDATE datasets SET root = NULL').run();
      const svc = createService(bare);
      const id = (bare.db.prepare('SELECT id FROM media LIMIT 1').get() as { id: number }).id;
      expect(svc.mediaFile(id)).toBeNull();
    } finally {
      bare.close();
    }
  });
});

describe('import jobs', () => {
  let empty: Store;
  let svc: Service;
  beforeEach(() => {
    empty = openStore(path.join(dir, 'empty.db'));
    svc = createService(empty, { annotator: 'ana' });
  });
  afterEach(async () => {
    const { jobs } = serviceInternals(svc);
    const busy = jobs.busy();
    if (busy) await jobs.cancel(busy.id);
    empty.close();
  });

  async function poll(id: string): Promise<ImportJob> {
    for (let i = 0; i < 2000; i++) {
      const job = await call('getImport', { id }, svc);
      if (job.state !== 'running') return job;
      await sleep(10);
    }
    throw new Error('the import did not finish');
  }

  const annotations = ['L1', 'L2', 'L3'].map((l) => path.join(DEMO_DATA_ROOT, 'annotations', `validation_${l}.jsonl`));
  const rlFiles = DEMO_RUNS[0].files.map((f) => path.join(DEMO_DIR, f));

  it('imports a benchmark and a run of several files in the background, reporting progress', async () => {
    const started = await call('startImport', { kind: 'benchmark', paths: annotations, dataRoot: DEMO_DATA_ROOT }, svc);
    expect(started).toMatchObject({ kind: 'benchmark', state: 'running', imported: 0 });
    const bench = await poll(started.id);
    expect(bench).toMatchObject({ state: 'done', imported: 16, skippedCount: 0, records: 16 });
    expect(bench.bytesRead).toBe(bench.bytesTotal);
    expect(bench.bytesTotal).toBe(annotations.reduce((n, f) => n + fs.statSync(f).size, 0));
    expect(bench.message).toMatch(/^imported 16 sample\(s\) from 3 file\(s\)/);

    const run = await poll((await call('startImport', { kind: 'run', paths: rlFiles, name: 'rl-grpo', method: 'rl' }, svc)).id);
    expect(run).toMatchObject({ kind: 'run', state: 'done', imported: 16, records: 16, skippedCount: 0 });
    expect(run.message).toMatch(/^imported 16 response\(s\) into new run "rl-grpo" from 3 file\(s\)/);
    expect((await call('listRuns', {}, svc)).map((r) => [r.name, r.responses, r.levels])).toEqual([['rl-grpo', 16, ['L1', 'L2', 'L3']]]);
    expect((await call('listResponses', {}, svc)).total).toBe(16);
    expect((await call('listDatasets', {}, svc))[0].samples).toBe(16);
  });

  it('imports all the files of a job or none: one bad file fails the whole job', async () => {
    await poll((await call('startImport', { kind: 'benchmark', paths: annotations, dataRoot: DEMO_DATA_ROOT }, svc)).id);
    await poll((await call('startImport', { kind: 'run', paths: [rlFiles[0]], name: 'rl-grpo', method: 'rl' }, svc)).id);
    // L2 and L3 are new, but L1 was already imported into this run.
    const job = await poll((await call('startImport', { kind: 'run', paths: [rlFiles[1], rlFiles[2], rlFiles[0]], name: 'rl-grpo', method: 'rl' }, svc)).id);
    expect(job.state).toBe('failed');
    expect(job.message).toMatch(/was already imported into run "rl-grpo".*nothing was imported from any of the 3 files/);
    expect((await call('listRuns', {}, svc))[0].responses).toBe(6);

    const strict = await poll((await call('startImport', { kind: 'run', paths: [path.join(DEMO_DIR, DEMO_RUNS[2].files[0])], name: 'k4', method: 'rl', strict: true, level: 'L2' }, svc)).id);
    expect(strict.state).toBe('failed');
    expect(strict.skippedCount).toBeGreaterThan(0);
    expect(strict.skipped.length).toBe(Math.min(strict.skippedCount, 1000));
    expect((await call('listRuns', {}, svc)).map((r) => r.name)).toEqual(['rl-grpo']);
  });

  it('refuses missing files at once, and answers not_found for an unknown job', async () => {
    expect(await refuse('startImport', { kind: 'run', paths: [rlFiles[0], path.join(dir, 'nope.jsonl')], name: 'x', method: 'rl' }, svc)).toEqual({
      code: 'invalid_input',
      message: `startImport: field \`paths.1\`: no such file: ${path.join(dir, 'nope.jsonl')}`,
    });
    expect((await refuse('startImport', { kind: 'benchmark', paths: annotations, dataRoot: path.join(dir, 'nope') }, svc)).message).toMatch(
      /^startImport: field `dataRoot`: no such folder/,
    );
    expect((await refuse('startImport', { kind: 'run', paths: [rlFiles[0]], name: 'x', method: 'dpo' }, svc)).message).toMatch(/^startImport: field `method`/);
    expect(await refuse('getImport', { id: 'nope' }, svc)).toEqual({ code: 'not_found', message: 'getImport: no import job nope' });
  });

  it('cancels a running import leaving no partial run; one import at a time, and no other writes meanwhile', async () => {
    const big = path.join(dir, 'big');
    fs.mkdirSync(big);
    const files = await writeBenchFiles(big, 40_000, 300);
    await poll((await call('startImport', { kind: 'benchmark', paths: [files.annotations] }, svc)).id);
    const before = empty.db.prepare('SELECT COUNT(*) AS n FROM imports').get();

    const job = await call('startImport', { kind: 'run', paths: [files.run], name: 'big', method: 'rl' }, svc);
    const second = await refuse('startImport', { kind: 'run', paths: [files.run], name: 'other', method: 'rl' }, svc);
    expect(second.code).toBe('conflict');
    expect(second.message).toMatch(/^startImport: an import is already running in this workspace/);
    // Writes wait for the import rather than block on its lock; reads go on, seeing the last committed state.
    const write = await refuse('createTag', { responseId: 1, label: 'format' }, svc);
    expect(write).toMatchObject({ code: 'conflict' });
    expect(write.message).toMatch(/^createTag: an import is running/);
    expect((await call('listResponses', {}, svc)).total).toBe(0);

    let seen = job;
    while (seen.state === 'running' && seen.records === 0) {
      await sleep(5);
      seen = await call('getImport', { id: job.id }, svc);
    }
    expect(seen.state, 'the import ended before it could be cancelled: make the file bigger').toBe('running');
    expect(seen.bytesRead).toBeGreaterThan(0);
    expect(seen.bytesRead).toBeLessThan(seen.bytesTotal);
    const cancelled = await call('cancelImport', { id: job.id }, svc);
    expect(cancelled).toMatchObject({ state: 'cancelled', imported: 0, message: 'cancelled; nothing was imported' });
    expect(await call('getImport', { id: job.id }, svc)).toMatchObject({ state: 'cancelled' });
    expect(await call('listRuns', {}, svc)).toEqual([]);
    expect(empty.db.prepare('SELECT COUNT(*) AS n FROM responses').get()).toEqual({ n: 0 });
    expect(empty.db.prepare('SELECT COUNT(*) AS n FROM imports').get()).toEqual(before);

    // The workspace is free again.
    const small = await poll((await call('startImport', { kind: 'run', paths: [rlFiles[0]], name: 'after', method: 'rl' }, svc)).id);
    expect(small.state).toBe('failed'); // the bench workspace has other samples: nothing in this file matches
    expect((await call('setAnnotator', { name: 'bob' }, svc)).annotator).toBe('bob');
  });
});

describe('dispatch', () => {
  it('wraps results and every kind of error in the envelope, naming the method', async () => {
    expect(await dispatch(service, 'getSession', undefined)).toMatchObject({ ok: true, value: { annotator: 'ana' } });
    expect(await dispatch(service, 'dropWorkspace', {})).toEqual({ ok: false, error: { code: 'not_found', message: 'unknown method "dropWorkspace"' } });
    expect(await dispatch(service, '__proto__', {})).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await dispatch(service, 'listResponses', { limit: 5000 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/^listResponses: field `limit`: /) },
    });
    expect(await dispatch(service, 'listResponses', { filter: { levels: ['L9'] } })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/^listResponses: field `filter.levels.0`: /) },
    });
    expect(await dispatch(service, 'getResponse', { id: 424242 })).toEqual({ ok: false, error: { code: 'not_found', message: 'getResponse: no response 424242' } });

    const broken: Service = {
      ...service,
      listRuns: () => {
        throw new TypeError("Cannot read properties of undefined (reading 'id')");
      },
      listLabels: () => {
        throw new CotscopeError('that file was already imported', 'duplicate');
      },
      getImport: async () => {
        throw new CotscopeError('cancelled', 'cancelled');
      },
      undo: () => {
        throw new CotscopeError('undo: nothing to undo here', 'weird');
      },
    };
    expect(await dispatch(broken, 'listRuns', {})).toEqual({
      ok: false,
      error: { code: 'internal', message: "listRuns: Cannot read properties of undefined (reading 'id')" },
    });
    expect(await dispatch(broken, 'listLabels', {})).toEqual({ ok: false, error: { code: 'conflict', message: 'listLabels: that file was already imported' } });
    expect(await dispatch(broken, 'getImport', { id: 'x' })).toEqual({ ok: false, error: { code: 'cancelled', message: 'getImport: cancelled' } });
    expect(await dispatch(broken, 'undo', {})).toEqual({ ok: false, error: { code: 'invalid_input', message: 'undo: nothing to undo here' } });
  });

  it('returns values that survive JSON and structured clone (what HTTP and IPC carry)', async () => {
    await call('createTag', { responseId: 1, label: 'format', time: [1, 2] });
    for (const [method, input] of [
      ['listResponses', {}], ['getResponse', { id: 1 }], ['listLabels', {}], ['listRuns', {}], ['listDatasets', {}], ['getSession', {}], ['listAnnotators', {}],
    ] as const) {
      const r = await dispatch(service, method, input);
      expect(JSON.parse(JSON.stringify(r))).toEqual(r);
      expect(structuredClone(r)).toEqual(r);
    }
  });
});

describe('query plans', () => {
  const plan = (sql: string, params: unknown[]) =>
    (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');

  function planned(filter: ResponseFilter, sort: Input<'listResponses'>['sort'] = 'sample', offset = 0, limit = 100) {
    const { list: l, annotator } = serviceInternals(service);
    const q = l.build(filter, sort ?? 'sample', 'asc', annotator.id());
    const p = l.plan(q, offset, limit);
    const count = typeof p.count === 'number' ? null : p.count;
    const totalRows = count ? (store.db.prepare(count.sql).pluck().get(...count.params) as number) : (p.count as number);
    const page = p.page(totalRows);
    return { page: plan(page.sql, page.params), access: page.access, count: count ? plan(count.sql, count.params) : 'fts' };
  }

  it('pages the default list along the list index, in its order, without sorting', () => {
    const p = planned({});
    expect(p.page).toMatch(/^SCAN x USING COVERING INDEX responses_list$/);
    expect(p.count).toMatch(/COVERING INDEX/);
  });

  it("answers a label filter from everyone's label marks (which leave the checks' suggestions out)", async () => {
    await call('createTag', { responseId: 1, label: 'format' });
    const p = planned({ labels: ['format'] });
    expect(p.page).toMatch(/SEARCH (label_marks|m) USING (COVERING )?INDEX label_marks_label \(akey=\? AND label_id=\?\)/);
    expect(p.count).toMatch(/SEARCH (label_marks|m) USING (COVERING )?INDEX label_marks_label \(akey=\? AND label_id=\?\)/);
    expect(p.page).not.toMatch(/SCAN x(?! USING COVERING INDEX)/);
  });

  it('reads runs, outcomes, levels and sample ids from indexes, never the table', () => {
    for (const filter of [
      { runs: ['sft'], correct: false },
      { formatOk: false },
      { levels: ['L2'] as ResponseFilter['levels'], disagreement: true },
      { sampleId: '2051' },
    ]) {
      const p = planned(filter);
      expect(p.page, JSON.stringify(filter)).toMatch(/INDEX (responses_list|responses_run_outcome|sqlite_autoindex_responses_1)/);
      expect(p.page, JSON.stringify(filter)).not.toMatch(/SCAN x$|SCAN x \|/);
      expect(p.count, JSON.stringify(filter)).not.toMatch(/SCAN x$|SCAN x \|/);
    }
    expect(planned({ sampleId: '2051' }).page).toMatch(/SEARCH samples USING (COVERING )?INDEX samples_sample_id/);
  });

  it('walks the list index for a common filter and starts from the filter for a rare one (at 20k responses)', () => {
    // Synthetic responses: same sample and run spread, no text, so only the plans matter.
    store.db.exec(`
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
      INSERT INTO responses (run_id, sample_id, import_id, source_line, rollout, raw, correct, format_ok, score_disagreement, steps, step_count)
      SELECT 1 + i % 3, 1 + i % 16, 1, i, 100 + i, 'x', i % 2, CASE WHEN i % 1000 = 0 THEN 0 ELSE 1 END, 0, '[]', 0 FROM n`);
    expect(planned({ correct: true }).access).toBe('covering');
    expect(planned({ runs: ['sft'] }).page).toMatch(/^SCAN x USING COVERING INDEX responses_list/);
    const rare = planned({ formatOk: false, runs: ['sft'] });
    expect(rare.access).toBe('selective');
    expect(rare.page).toMatch(/^SEARCH x USING INDEX responses_run_outcome \(run_id=\?\)/);
  });
});
