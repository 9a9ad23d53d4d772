// The compare view's store against a service whose replies arrive out of order: a refresh after a tag must not drop
// the load of a newer choice (the walk then listed a question but showed none, "No question matches these filters").
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CompareQuestion } from '../../shared/api.ts';

interface Pending {
  method: string;
  input: { filter?: { labelOnly?: { run: string } } };
  resolve(v: unknown): void;
}
const pending: Pending[] = [];

vi.mock('../../renderer/src/api.ts', () => ({
  call: (method: string, input: Pending['input']) => new Promise((resolve) => pending.push({ method, input, resolve })),
  shown: () => undefined,
}));

const { useCompare } = await import('../../renderer/src/stores/compare.ts');

const question = (sampleKey: number): CompareQuestion => ({
  sampleKey,
  sampleId: String(sampleKey),
  level: 'L1',
  taskGoal: null,
  golden: 'A',
  runs: [],
  outcome: 'only_a',
});
const matrix = { pair: ['rl', 'sft'], levels: {} };

/** Answers every call waiting whose filter's label-only run is `run` (the matrix calls with them). */
async function answer(run: string | null, rows: CompareQuestion[]): Promise<void> {
  const group = pending.filter((p) => p.method === 'listCompareQuestions' && (p.input.filter?.labelOnly?.run ?? null) === run);
  expect(group.length).toBeGreaterThan(0);
  for (const p of group) {
    // The matrix call sent with this page is the one just before it.
    const m = pending[pending.indexOf(p) - 1];
    if (m?.method === 'compareMatrix') m.resolve(matrix);
    p.resolve({ rows, total: rows.length });
  }
  for (const p of group) pending.splice(pending.indexOf(p) - 1, 2);
  await new Promise((r) => setTimeout(r, 0));
}

describe('the compare walk with replies out of order', () => {
  beforeEach(() => {
    pending.length = 0;
    useCompare.setState({ runs: ['rl', 'sft'], labelOnly: null, sample: null, questions: [], total: 0, loadedKey: null, loading: false });
  });

  it('shows the question of a newer choice when a refresh was asked for while it loaded', async () => {
    const s = useCompare.getState;
    // "overlooked-cue only in rl" matches nothing: no question shown.
    s().choose({ labelOnly: { label: 'overlooked-cue', run: 'rl' } });
    void s().load();
    await answer('rl', []);
    expect(s().sample).toBeNull();

    // "…only in sft" is asked for, and while it loads a tag saved a moment ago asks for a refresh.
    s().choose({ labelOnly: { label: 'overlooked-cue', run: 'sft' } });
    void s().load();
    void s().refresh();
    await answer('sft', [question(2051)]);

    expect(s().questions.map((q) => q.sampleKey)).toEqual([2051]);
    expect(s().sample).toBe(2051);
    expect(s().loading).toBe(false);
    expect(s().loadedKey).not.toBeNull();
  });

  it('drops a refresh for an older choice', async () => {
    const s = useCompare.getState;
    s().choose({ labelOnly: { label: 'overlooked-cue', run: 'rl' } });
    void s().refresh();
    s().choose({ labelOnly: { label: 'overlooked-cue', run: 'sft' } });
    void s().load();
    await answer('sft', [question(7)]);
    await answer('rl', [question(8), question(9)]);
    expect(s().questions.map((q) => q.sampleKey)).toEqual([7]);
    expect(s().sample).toBe(7);
  });

  it('steps past the last fetched question onto the next page while that page is already on its way', async () => {
    const s = useCompare.getState;
    const first = Array.from({ length: 3 }, (_, i) => question(100 + i));
    useCompare.setState({ questions: first, total: 6, sample: 102, loadedKey: 'k' });
    // The list scrolled near its end and fetched ahead; before that page arrives, f is pressed on the last question.
    void s().loadMore();
    const stepped = s().step(1);
    const more = pending.filter((p) => p.method === 'listCompareQuestions');
    expect(more).toHaveLength(1); // one fetch, not a second for the same page
    more[0].resolve({ rows: [question(103), question(104), question(105)], total: 6 });
    pending.length = 0;
    await stepped;
    expect(s().sample).toBe(103);
    expect(s().questions).toHaveLength(6);
  });

  it('re-reads after a tag only the page of the walk around the question shown, and keeps that question in its place', async () => {
    const s = useCompare.getState;
    const loaded = Array.from({ length: 150 }, (_, i) => question(1000 + i)); // three pages fetched, deep in the walk
    useCompare.setState({ questions: loaded, total: 400, sample: 1120, loadedKey: 'k' });
    void s().refresh();
    const asked = pending.filter((p) => p.method === 'listCompareQuestions');
    expect(asked).toHaveLength(1);
    expect(asked[0].input).toMatchObject({ offset: 100, limit: 50 }); // the third page, which holds the question shown
    // The tag took 1120 out of the filter: the page now ends with the next page's first question, 1150.
    const page = loaded.slice(100, 150).filter((q) => q.sampleKey !== 1120).concat(question(1150));
    const m = pending[pending.indexOf(asked[0]) - 1];
    m.resolve(matrix);
    asked[0].resolve({ rows: page, total: 399 });
    pending.length = 0;
    await new Promise((r) => setTimeout(r, 0));
    const keys = s().questions.map((q) => q.sampleKey);
    expect(keys.slice(0, 100)).toEqual(loaded.slice(0, 100).map((q) => q.sampleKey)); // pages before: as they were
    expect(keys[120]).toBe(1120); // still shown, in its place
    expect(keys.slice(-1)).toEqual([1150]);
    expect(new Set(keys).size).toBe(keys.length);
    expect(s().total).toBe(399);
    expect(s().sample).toBe(1120);
  });
});
