// The library's filter and sort. They live in the URL hash (see route.ts) so that a view can be reopened, shared
// with a teammate or bookmarked; every change reloads the list from row 0.
import type { Level, Method, ResponseFilter, ReviewStatus } from '../../../shared/api.ts';
import { createStore } from './create-store.ts';

export type SortKey = 'sample' | 'run' | 'level' | 'correct' | 'steps' | 'tags';
export type SortOrder = 'asc' | 'desc';

interface FiltersState {
  filter: ResponseFilter;
  sort: SortKey;
  order: SortOrder;
  /** Merges a change into the filter; `undefined` values remove a field. */
  setFilter(patch: Partial<ResponseFilter>): void;
  setSort(sort: SortKey, order?: SortOrder): void;
  reset(): void;
  /** Replaces everything at once (from the URL). */
  replace(filter: ResponseFilter, sort: SortKey, order: SortOrder): void;
}

export const useFilters = createStore<FiltersState>('filters', (set, get) => ({
  filter: {},
  sort: 'sample',
  order: 'asc',
  setFilter(patch) {
    set({ filter: clean({ ...get().filter, ...patch }) });
  },
  setSort(sort, order) {
    const cur = get();
    const next: SortOrder = order ?? (cur.sort === sort ? (cur.order === 'asc' ? 'desc' : 'asc') : 'asc');
    set({ sort, order: next });
  },
  reset() {
    set({ filter: {} });
  },
  replace(filter, sort, order) {
    set({ filter: clean(filter), sort, order });
  },
}));

function clean(f: ResponseFilter): ResponseFilter {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out as ResponseFilter;
}

export function activeFilterCount(f: ResponseFilter): number {
  return Object.keys(f).length;
}

// ---------- URL query form ----------

const SORTS: readonly SortKey[] = ['sample', 'run', 'level', 'correct', 'steps', 'tags'];
const LEVELS: readonly Level[] = ['L1', 'L2', 'L3', 'train'];
const METHODS: readonly Method[] = ['rl', 'sft', 'base', 'other'];
const REVIEWS: readonly ReviewStatus[] = ['todo', 'done', 'skipped'];
const VERDICTS = ['yes', 'no', 'unclear', 'none'] as const;
const CONSENSUS = ['yes', 'no', 'unclear', 'unjudged'] as const;

const bool = (v: boolean | undefined) => (v === undefined ? null : v ? '1' : '0');
const readBool = (v: string | null) => (v === '1' ? true : v === '0' ? false : undefined);

export function filterToQuery(f: ResponseFilter, sort: SortKey, order: SortOrder): URLSearchParams {
  const q = new URLSearchParams();
  for (const l of f.levels ?? []) q.append('level', l);
  for (const r of f.runs ?? []) q.append('run', r);
  for (const m of f.methods ?? []) q.append('method', m);
  const c = bool(f.correct);
  if (c) q.set('correct', c);
  const fo = bool(f.formatOk);
  if (fo) q.set('formatOk', fo);
  const d = bool(f.disagreement);
  if (d) q.set('disagree', d);
  for (const l of f.labels ?? []) q.append('label', l);
  if (f.verdict) q.set('verdict', f.verdict);
  if (f.review) q.set('review', f.review);
  if (f.annotator) q.set('annotator', f.annotator);
  if (f.undecided) q.set('undecided', '1');
  if (f.sampleId) q.set('sample', f.sampleId);
  if (f.text) q.set('q', f.text);
  // The drill-down fields (set by the dashboards and compare; each shows as a removable chip in the library).
  for (const d of f.domains ?? []) q.append('domain', d);
  for (const b of f.by ?? []) q.append('by', b);
  for (const l of f.allLabels ?? []) q.append('all', l);
  if (f.consensus) q.set('consensus', f.consensus);
  const rv = bool(f.reviewed);
  if (rv) q.set('reviewed', rv);
  if (f.firstStep) q.set('first', `${f.firstStep[0]},${f.firstStep[1]}`);
  if (sort !== 'sample') q.set('sort', sort);
  if (order !== 'asc') q.set('order', order);
  return q;
}

export function queryToFilter(q: URLSearchParams): { filter: ResponseFilter; sort: SortKey; order: SortOrder } {
  const f: ResponseFilter = {};
  const levels = q.getAll('level').filter((l): l is Level => (LEVELS as string[]).includes(l));
  if (levels.length) f.levels = levels;
  const runs = q.getAll('run').filter(Boolean);
  if (runs.length) f.runs = runs;
  const methods = q.getAll('method').filter((m): m is Method => (METHODS as string[]).includes(m));
  if (methods.length) f.methods = methods;
  const correct = readBool(q.get('correct'));
  if (correct !== undefined) f.correct = correct;
  const formatOk = readBool(q.get('formatOk'));
  if (formatOk !== undefined) f.formatOk = formatOk;
  const dis = readBool(q.get('disagree'));
  if (dis !== undefined) f.disagreement = dis;
  const labels = q.getAll('label').filter((l) => /^[a-z0-9][a-z0-9-]{0,39}$/.test(l));
  if (labels.length) f.labels = labels;
  const verdict = q.get('verdict');
  if (verdict && (VERDICTS as readonly string[]).includes(verdict)) f.verdict = verdict as ResponseFilter['verdict'];
  const review = q.get('review');
  if (review && (REVIEWS as readonly string[]).includes(review)) f.review = review as ReviewStatus;
  const annotator = q.get('annotator');
  if (annotator) f.annotator = annotator;
  if (q.get('undecided') === '1') f.undecided = true;
  const sample = q.get('sample');
  if (sample) f.sampleId = sample;
  const text = q.get('q');
  if (text) f.text = text.slice(0, 500);
  const domains = q.getAll('domain').filter(Boolean);
  if (domains.length) f.domains = domains;
  const by = q.getAll('by').filter(Boolean);
  if (by.length) f.by = by;
  const all = q.getAll('all').filter((l) => /^[a-z0-9][a-z0-9-]{0,39}$/.test(l));
  if (all.length) f.allLabels = all;
  const consensus = q.get('consensus');
  if (consensus && (CONSENSUS as readonly string[]).includes(consensus)) f.consensus = consensus as ResponseFilter['consensus'];
  const reviewed = readBool(q.get('reviewed'));
  if (reviewed !== undefined) f.reviewed = reviewed;
  const first = /^([0-9.]+),([0-9.]+)$/.exec(q.get('first') ?? '');
  if (first) {
    const a = Number(first[1]);
    const b = Number(first[2]);
    if (a >= 0 && b <= 1 && a <= b) f.firstStep = [a, b];
  }
  const s = q.get('sort');
  const sort = s && (SORTS as readonly string[]).includes(s) ? (s as SortKey) : 'sample';
  const order: SortOrder = q.get('order') === 'desc' ? 'desc' : 'asc';
  return { filter: f, sort, order };
}

/** A stable string for "is this the same list?". */
export function listKey(f: ResponseFilter, sort: SortKey, order: SortOrder): string {
  return filterToQuery(f, sort, order).toString();
}
