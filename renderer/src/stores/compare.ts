// The compare view: which runs side by side, the outcome matrix of the first two, which questions to walk (a matrix
// cell and the audit filters), the question shown, and per column its rollout. Each column is a workbench of its own
// (columnWorkbench(i)), so tagging there is the workbench's code. Everything a user chose lives in the URL
// (#/compare?run=a&run=b&cell=L1:only_a&sample=7), registered with route.ts.
import type { CompareFilter, CompareMatrix, CompareQuestion, Level, Outcome, RunSummary } from '../../../shared/api.ts';
import { call, shown } from '../api.ts';
import { createStore } from './create-store.ts';
import { notify } from './notifications.ts';
import { registerViewQuery } from './route.ts';
import { columnWorkbench } from './workbench.ts';

export const OUTCOMES: readonly Outcome[] = ['both_right', 'only_a', 'only_b', 'both_wrong'];
const LEVELS: readonly Level[] = ['L1', 'L2', 'L3', 'train'];
/** Questions fetched at a time: the walk grows by a page as it is scrolled or stepped past its end. */
export const WALK_PAGE = 50;
/** The contract's largest page: how far a question named in the URL is sought. */
const WALK_MAX = 5000;

/** A matrix cell: a level row (or 'all') and an outcome column. */
export interface CompareCell {
  level: string;
  outcome: Outcome;
}

export interface CompareChoice {
  runs: string[];
  levels: Level[];
  domains: string[];
  cell: CompareCell | null;
  rightFlawed: boolean;
  disagree: boolean;
  labelOnly: { label: string; run: string } | null;
}

interface CompareState extends CompareChoice {
  /** samples.id of the question shown. */
  sample: number | null;
  /** The column that takes the keys. */
  focus: number;
  /** Rollout shown per column (index into that run's responses to the question). */
  rollouts: number[];

  matrix: CompareMatrix | null;
  /** The questions fetched so far, in walk order: the first pages of `total`. */
  questions: CompareQuestion[];
  total: number;
  loading: boolean;
  loadingMore: boolean;
  error: string | null;
  /** The key of the choice the matrix and questions were loaded for. */
  loadedKey: string | null;

  /** Replaces part of the choice (the walk reloads; the question shown stays if it is still in it). */
  choose(patch: Partial<CompareChoice>): void;
  toggleRun(name: string): void;
  /** Picks a matrix cell (again: drops it) and shows its first question. */
  chooseCell(cell: CompareCell): void;
  /** Two runs when fewer are chosen: the first rl run and the first sft run (else the first two). */
  pickDefaultRuns(runs: RunSummary[]): void;
  load(): Promise<void>;
  /** Re-reads the questions (label counts change while tagging) without moving. */
  refresh(): Promise<void>;
  /** Fetches the next page of questions, if there are more. */
  loadMore(): Promise<void>;
  openQuestion(sampleKey: number): void;
  /** The next or previous question of the walk (fetching the next page at the end of those fetched). */
  step(dir: 1 | -1): Promise<void>;
  focusColumn(i: number): void;
  cycleFocus(dir: 1 | -1): void;
  setRollout(col: number, index: number): void;
  cycleRollout(dir: 1 | -1): void;
  /** Opens in each column the response it should show (the view calls it whenever the question or rollout changes). */
  syncColumns(): void;
}

export function choiceKey(c: CompareChoice): string {
  return choiceToQuery(c).toString();
}

/** The filter of listCompareQuestions for a choice (null when fewer than two runs are chosen). */
export function compareFilter(c: CompareChoice): CompareFilter | null {
  if (c.runs.length < 2) return null;
  const f: CompareFilter = { runs: c.runs };
  const levels = c.cell && c.cell.level !== 'all' ? [c.cell.level as Level] : c.levels;
  if (levels.length) f.levels = levels;
  if (c.domains.length) f.domains = c.domains;
  if (c.cell) f.outcome = c.cell.outcome;
  if (c.rightFlawed) f.rightFlawed = true;
  if (c.disagree) f.disagree = true;
  if (c.labelOnly && c.runs.includes(c.labelOnly.run)) f.labelOnly = c.labelOnly;
  return f;
}

function choiceToQuery(c: CompareChoice): URLSearchParams {
  const q = new URLSearchParams();
  for (const r of c.runs) q.append('run', r);
  for (const l of c.levels) q.append('level', l);
  for (const d of c.domains) q.append('domain', d);
  if (c.cell) q.set('cell', `${c.cell.level}:${c.cell.outcome}`);
  if (c.rightFlawed) q.set('flawed', '1');
  if (c.disagree) q.set('disagree', '1');
  if (c.labelOnly) q.set('only', `${c.labelOnly.label}@${c.labelOnly.run}`);
  return q;
}

function queryToChoice(q: URLSearchParams): CompareChoice {
  const cellM = /^([A-Za-z0-9]+):([a-z_]+)$/.exec(q.get('cell') ?? '');
  const onlyM = /^([a-z0-9][a-z0-9-]{0,39})@(.+)$/.exec(q.get('only') ?? '');
  return {
    runs: [...new Set(q.getAll('run').filter(Boolean))].slice(0, 8),
    levels: q.getAll('level').filter((l): l is Level => (LEVELS as string[]).includes(l)),
    domains: q.getAll('domain').filter(Boolean),
    cell: cellM && (OUTCOMES as string[]).includes(cellM[2]) ? { level: cellM[1], outcome: cellM[2] as Outcome } : null,
    rightFlawed: q.get('flawed') === '1',
    disagree: q.get('disagree') === '1',
    labelOnly: onlyM ? { label: onlyM[1], run: onlyM[2] } : null,
  };
}

const pick = (s: CompareState): CompareChoice => ({
  runs: s.runs,
  levels: s.levels,
  domains: s.domains,
  cell: s.cell,
  rightFlawed: s.rightFlawed,
  disagree: s.disagree,
  labelOnly: s.labelOnly,
});

export const useCompare = createStore<CompareState>('compare', (set, get) => {
  /** Counts loads (a choice changed): a reply to an older one is dropped. */
  let seq = 0;
  /** Counts refreshes (the same choice re-read after a tag). */
  let refreshSeq = 0;
  /** The next page's fetch while it is on its way. */
  let moreInFlight: Promise<void> | null = null;
  /** The load (seq) that fetch belongs to. */
  let moreFor = 0;

  /** Shows the current question's responses in the columns: each run's chosen rollout in its own workbench. */
  function syncColumns(): void {
    const s = get();
    const q = s.questions.find((x) => x.sampleKey === s.sample);
    s.runs.forEach((run, i) => {
      const wb = columnWorkbench(i);
      const cell = q?.runs.find((c) => c.run === run);
      const ids = cell?.responseIds ?? [];
      const id = ids[Math.min(s.rollouts[i] ?? 0, ids.length - 1)];
      if (id === undefined) {
        if (wb.getState().responseId !== null) wb.getState().close();
      } else if (wb.getState().responseId !== id || !wb.getState().detail) void wb.getState().open(id);
    });
  }

  /**
   * The matrix of the first two runs and `limit` questions of the walk from `offset`, for a choice of two or more
   * runs.
   */
  async function fetchWalk(c: CompareChoice, offset: number, limit: number): Promise<{ matrix: CompareMatrix; rows: CompareQuestion[]; total: number }> {
    const [matrix, page] = await Promise.all([
      call('compareMatrix', { runs: [c.runs[0], c.runs[1]], levels: c.levels.length ? c.levels : undefined, domains: c.domains.length ? c.domains : undefined }),
      call('listCompareQuestions', { filter: compareFilter(c) as CompareFilter, offset, limit }),
    ]);
    return { matrix, rows: page.rows, total: page.total };
  }

  /** Questions after the first `offset` of the walk (`limit` of them). */
  async function fetchPage(c: CompareChoice, offset: number, limit: number): Promise<{ rows: CompareQuestion[]; total: number }> {
    const page = await call('listCompareQuestions', { filter: compareFilter(c) as CompareFilter, offset, limit });
    return { rows: page.rows, total: page.total };
  }

  /** `rows` then those of `more` it does not hold already (a tag may shift the walk between two pages). */
  function appended(rows: CompareQuestion[], more: CompareQuestion[]): CompareQuestion[] {
    const have = new Set(rows.map((q) => q.sampleKey));
    return [...rows, ...more.filter((q) => !have.has(q.sampleKey))];
  }

  return {
    runs: [],
    levels: [],
    domains: [],
    cell: null,
    rightFlawed: false,
    disagree: false,
    labelOnly: null,
    sample: null,
    focus: 0,
    rollouts: [],
    matrix: null,
    questions: [],
    total: 0,
    loading: false,
    loadingMore: false,
    error: null,
    loadedKey: null,

    choose(patch) {
      const next = { ...pick(get()), ...patch };
      const runsChanged = patch.runs !== undefined && patch.runs.join('\n') !== get().runs.join('\n');
      set({ ...patch, ...(runsChanged ? { focus: Math.min(get().focus, Math.max(0, next.runs.length - 1)), rollouts: [] } : {}) });
    },

    toggleRun(name) {
      const runs = get().runs;
      const next = runs.includes(name) ? runs.filter((r) => r !== name) : [...runs, name].slice(0, 8);
      get().choose({ runs: next });
    },

    chooseCell(cell) {
      const cur = get().cell;
      const same = cur && cur.level === cell.level && cur.outcome === cell.outcome;
      // A new cell starts at its first question.
      set({ cell: same ? null : cell, sample: same ? get().sample : null });
    },

    pickDefaultRuns(runs) {
      if (runs.length === 0) return; // the workspace's runs are not loaded yet
      // Runs the workspace does not have (a URL from another workspace) are dropped.
      const kept = get().runs.filter((r) => runs.some((x) => x.name === r));
      if (kept.length !== get().runs.length) get().choose({ runs: kept });
      if (kept.length >= 2 || runs.length < 2) return;
      const rl = runs.find((r) => r.method === 'rl');
      const sft = runs.find((r) => r.method === 'sft');
      const pair = rl && sft ? [rl.name, sft.name] : [runs[0].name, runs[1].name];
      get().choose({ runs: pair });
    },

    async load() {
      const choice = pick(get());
      const key = choiceKey(choice);
      const my = ++seq;
      if (choice.runs.length < 2) {
        set({ matrix: null, questions: [], total: 0, loading: false, error: null, loadedKey: key });
        return;
      }
      set({ loading: true, error: null });
      try {
        const { matrix, ...page } = await fetchWalk(choice, 0, WALK_PAGE);
        if (my !== seq) return;
        // A question named in the URL may lie past the first page: read on to it (as far as one large page goes).
        const wanted = get().sample;
        while (wanted !== null && !page.rows.some((q) => q.sampleKey === wanted) && page.rows.length < Math.min(page.total, WALK_MAX)) {
          const more = await fetchPage(choice, page.rows.length, WALK_PAGE);
          if (my !== seq) return;
          if (more.rows.length === 0) break;
          page.rows = appended(page.rows, more.rows);
        }
        const keep = page.rows.some((q) => q.sampleKey === get().sample);
        set({
          matrix,
          questions: page.rows,
          total: page.total,
          loading: false,
          loadedKey: key,
          ...(keep ? {} : { sample: page.rows[0]?.sampleKey ?? null, rollouts: [] }),
        });
      } catch (e) {
        if (my !== seq) return;
        set({ loading: false, error: (e as Error).message, loadedKey: key });
        shown(e);
      }
    },

    async refresh() {
      const choice = pick(get());
      if (choice.runs.length < 2) return;
      // A refresh never cancels a load in flight (that load is for the choice on screen and sets the question shown);
      // it is dropped when a load starts after it, or when a later refresh does.
      const my = seq;
      const mine = ++refreshSeq;
      // A tag or verdict changes the question shown (its label counts, whether the audit filters still take it) and
      // the matrix: the page of the walk around that question is read again, not every question fetched so far (deep
      // in a walk that would be thousands of questions of hundreds of rollouts each, after every save).
      const at = Math.max(0, get().questions.findIndex((q) => q.sampleKey === get().sample));
      const start = Math.floor(at / WALK_PAGE) * WALK_PAGE;
      try {
        const { matrix, ...page } = await fetchWalk(choice, start, WALK_PAGE);
        if (my !== seq || mine !== refreshSeq) return;
        const { questions, sample } = get();
        let window = page.rows;
        // The question shown stays on screen, in its place, even when a tag just took it out of the filter.
        const cur = questions.find((q) => q.sampleKey === sample);
        if (cur && !window.some((q) => q.sampleKey === cur.sampleKey)) {
          const k = Math.min(window.length, at - start);
          window = [...window.slice(0, k), cur, ...window.slice(k)];
        }
        // The page read again replaces its place in the walk; a question it brings from the next page (one left the
        // filter before it) is not listed twice.
        const fresh = new Set(window.map((q) => q.sampleKey));
        const elsewhere = (q: CompareQuestion) => !fresh.has(q.sampleKey);
        const rows = [...questions.slice(0, start).filter(elsewhere), ...window, ...questions.slice(start + WALK_PAGE).filter(elsewhere)];
        // No question shown yet (the walk was empty): the first one now in it.
        const first = sample === null && rows.length > 0 ? { sample: rows[0].sampleKey, rollouts: [] } : {};
        set({ matrix, questions: rows, total: page.total, ...first });
      } catch (e) {
        shown(e);
      }
    },

    loadMore() {
      // A fetch already on its way (the list fetches ahead as it scrolls) is the one to wait for: a step past the
      // end of the fetched questions then lands on the first of that page instead of stopping as if at the last.
      if (moreInFlight) return moreFor === seq ? moreInFlight : moreInFlight.then(() => get().loadMore());
      const { questions, total, loading } = get();
      if (loading || questions.length >= total) return Promise.resolve();
      const choice = pick(get());
      const my = seq;
      set({ loadingMore: true });
      moreFor = my;
      moreInFlight = (async () => {
        try {
          const page = await fetchPage(choice, questions.length, WALK_PAGE);
          if (my !== seq) return;
          set({ questions: appended(get().questions, page.rows), total: page.total });
        } catch (e) {
          shown(e);
        } finally {
          moreInFlight = null;
          set({ loadingMore: false });
        }
      })();
      return moreInFlight;
    },

    openQuestion(sampleKey) {
      if (sampleKey === get().sample) return;
      set({ sample: sampleKey, rollouts: [] });
    },

    async step(dir) {
      if (get().questions.length === 0) return;
      const at = () => get().questions.findIndex((q) => q.sampleKey === get().sample);
      // Past the last question fetched: fetch the next page first.
      if (dir > 0 && at() === get().questions.length - 1 && get().questions.length < get().total) await get().loadMore();
      const { questions } = get();
      const i = at();
      const j = i + dir;
      if (j < 0 || j >= questions.length) {
        notify('info', dir > 0 ? 'This is the last question here' : 'This is the first question here');
        return;
      }
      get().openQuestion(questions[j].sampleKey);
    },

    focusColumn(i) {
      const n = get().runs.length;
      if (n === 0) return;
      set({ focus: Math.max(0, Math.min(n - 1, i)) });
    },

    cycleFocus(dir) {
      const n = get().runs.length;
      if (n === 0) return;
      set({ focus: (get().focus + dir + n) % n });
    },

    setRollout(col, index) {
      const rollouts = [...get().rollouts];
      rollouts[col] = index;
      set({ rollouts, focus: col });
    },

    cycleRollout(dir) {
      const { focus, questions, sample, runs } = get();
      const q = questions.find((x) => x.sampleKey === sample);
      const n = q?.runs.find((c) => c.run === runs[focus])?.responseIds.length ?? 0;
      if (n < 2) return;
      const cur = get().rollouts[focus] ?? 0;
      get().setRollout(focus, (cur + dir + n) % n);
    },

    syncColumns,
  };
});

registerViewQuery('compare', {
  toQuery() {
    const s = useCompare.getState();
    const q = choiceToQuery(s);
    if (s.sample !== null) q.set('sample', String(s.sample));
    return q;
  },
  fromQuery(q) {
    const c = queryToChoice(q);
    const sample = Number(q.get('sample'));
    const s = useCompare.getState();
    const patch: Partial<CompareState> = {};
    if (choiceKey(c) !== choiceKey(s)) Object.assign(patch, c, { rollouts: [] });
    if (Number.isInteger(sample) && sample > 0 && sample !== s.sample) Object.assign(patch, { sample, rollouts: [] });
    if (Object.keys(patch).length) useCompare.setState(patch);
  },
  subscribe(fn) {
    return useCompare.subscribe((s, prev) => {
      if (s.sample !== prev.sample || choiceKey(s) !== choiceKey(prev)) fn();
    });
  },
});
