// The dashboards: one filter (levels, runs, annotators, labels, L3 domains) for every chart, kept in the URL
// (#/dashboard?level=L1&run=a), and the aggregates the service computed for it. A drill-down replaces the library's
// filter with the mark's `drill` and opens the library.
import type { Dashboard, DashboardFilter, Level, ResponseFilter } from '../../../shared/api.ts';
import { call, shown } from '../api.ts';
import { createStore } from './create-store.ts';
import { useFilters } from './filters.ts';
import { registerViewQuery, useRoute } from './route.ts';

const LEVELS: readonly Level[] = ['L1', 'L2', 'L3', 'train'];
type ListKey = 'levels' | 'runs' | 'annotators' | 'labels' | 'domains';

interface DashboardState {
  filter: DashboardFilter;
  data: Dashboard | null;
  loading: boolean;
  error: string | null;
  /** What the pickers offer (also read by compare for its domain chips). */
  available: Dashboard['available'] | null;
  toggle(key: ListKey, value: string): void;
  reset(): void;
  load(): Promise<void>;
  /** Fills `available` once per workspace, for views that only need the pickers' lists. */
  loadAvailable(workspace: string): Promise<void>;
  drill(filter: ResponseFilter): void;
}

function clean(f: DashboardFilter): DashboardFilter {
  const out: DashboardFilter = {};
  for (const k of ['levels', 'runs', 'annotators', 'labels', 'domains'] as const) {
    const v = f[k];
    if (v && v.length) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

export function dashboardKey(f: DashboardFilter): string {
  return toQuery(f).toString();
}

function toQuery(f: DashboardFilter): URLSearchParams {
  const q = new URLSearchParams();
  for (const l of f.levels ?? []) q.append('level', l);
  for (const r of f.runs ?? []) q.append('run', r);
  for (const a of f.annotators ?? []) q.append('annotator', a);
  for (const l of f.labels ?? []) q.append('label', l);
  for (const d of f.domains ?? []) q.append('domain', d);
  return q;
}

function fromQuery(q: URLSearchParams): DashboardFilter {
  return clean({
    levels: q.getAll('level').filter((l): l is Level => (LEVELS as string[]).includes(l)),
    runs: q.getAll('run').filter(Boolean),
    annotators: q.getAll('annotator').filter(Boolean),
    labels: q.getAll('label').filter((l) => /^[a-z0-9][a-z0-9-]{0,39}$/.test(l)),
    domains: q.getAll('domain').filter(Boolean),
  });
}

export const useDashboard = createStore<DashboardState>('dashboard', (set, get) => {
  let seq = 0;
  let availableFor: { workspace: string; done: Promise<void> } | null = null;
  return {
    filter: {},
    data: null,
    loading: false,
    error: null,
    available: null,

    toggle(key, value) {
      const cur = (get().filter[key] ?? []) as string[];
      const next = cur.includes(value) ? cur.filter((x) => x !== value) : [...cur, value];
      set({ filter: clean({ ...get().filter, [key]: next }) });
    },

    reset() {
      set({ filter: {} });
    },

    async load() {
      const my = ++seq;
      set({ loading: true, error: null });
      try {
        const data = await call('getDashboard', get().filter);
        if (my !== seq) return;
        set({ data, available: data.available, loading: false });
      } catch (e) {
        if (my !== seq) return;
        set({ loading: false, error: (e as Error).message });
        shown(e);
      }
    },

    loadAvailable(workspace) {
      if (availableFor?.workspace !== workspace) {
        const mine = {
          workspace,
          done: call('getDashboard', {})
            .then((d) => {
              if (availableFor === mine) set({ available: d.available });
            })
            .catch(() => {
              if (availableFor === mine) availableFor = null; // the pickers stay empty; compare works without them
            }),
        };
        availableFor = mine;
      }
      return availableFor.done;
    },

    drill(filter) {
      useFilters.getState().replace(filter, 'sample', 'asc');
      useRoute.getState().openLibrary();
    },
  };
});

registerViewQuery('dashboard', {
  toQuery: () => toQuery(useDashboard.getState().filter),
  fromQuery(q) {
    const f = fromQuery(q);
    if (dashboardKey(f) !== dashboardKey(useDashboard.getState().filter)) useDashboard.setState({ filter: f });
  },
  subscribe(fn) {
    return useDashboard.subscribe((s, prev) => {
      if (s.filter !== prev.filter) fn();
    });
  },
});
