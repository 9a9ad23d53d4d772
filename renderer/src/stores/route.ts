// Which screen is showing, kept in the URL hash together with the filters:
//   #/?level=L1&correct=0            the library
//   #/r/123?level=L1&correct=0       the workbench on response 123 (the filters drive next/previous)
//   #/settings?section=datasets      settings
//   #/compare?run=a&run=b&cell=L1:only_a&sample=7      compare (its own query: compare.ts)
//   #/dashboard?level=L1&run=a       dashboards (their own query: dashboard.ts)
//   #/team/123                       teammates: adjudication of response 123, agreement, pack import
// Moving between screens pushes a history entry (browser Back works); filter changes replace the current one.
import { createStore } from './create-store.ts';
import { filterToQuery, listKey, queryToFilter, useFilters } from './filters.ts';

export type View =
  | { name: 'library' }
  | { name: 'workbench'; responseId: number }
  | { name: 'settings'; section: string | null }
  | { name: 'compare' }
  | { name: 'dashboard' }
  | { name: 'team'; responseId: number | null };

/** A view that keeps its own state in the query instead of the library's filters (compare, dashboard). */
export interface ViewQuery {
  toQuery(): URLSearchParams;
  fromQuery(q: URLSearchParams): void;
  /** Calls back whenever the state behind toQuery() changes. */
  subscribe(fn: () => void): () => void;
}

const viewQueries: Partial<Record<View['name'], ViewQuery>> = {};

/** Called once by the store of such a view, when its module loads. */
export function registerViewQuery(name: 'compare' | 'dashboard', vq: ViewQuery): void {
  viewQueries[name] = vq;
}

interface RouteState {
  view: View;
  openLibrary(): void;
  openResponse(id: number): void;
  openSettings(section?: string): void;
  open(view: View): void;
}

export const useRoute = createStore<RouteState>('route', (set) => ({
  view: { name: 'library' },
  openLibrary() {
    set({ view: { name: 'library' } });
  },
  openResponse(id) {
    set({ view: { name: 'workbench', responseId: id } });
  },
  openSettings(section) {
    set({ view: { name: 'settings', section: section ?? null } });
  },
  open(view) {
    set({ view });
  },
}));

function viewPath(v: View): string {
  switch (v.name) {
    case 'library':
      return '/';
    case 'workbench':
      return `/r/${v.responseId}`;
    case 'settings':
      return '/settings';
    case 'compare':
      return '/compare';
    case 'dashboard':
      return '/dashboard';
    case 'team':
      return v.responseId === null ? '/team' : `/team/${v.responseId}`;
  }
}

function buildHash(): string {
  const { view } = useRoute.getState();
  const { filter, sort, order } = useFilters.getState();
  const vq = viewQueries[view.name];
  const q = vq ? vq.toQuery() : filterToQuery(filter, sort, order);
  if (view.name === 'settings' && view.section) q.set('section', view.section);
  const qs = q.toString();
  return `#${viewPath(view)}${qs ? `?${qs}` : ''}`;
}

function parseHash(hash: string): { view: View; query: URLSearchParams } {
  const h = hash.replace(/^#/, '');
  const qi = h.indexOf('?');
  const path = qi >= 0 ? h.slice(0, qi) : h;
  const query = new URLSearchParams(qi >= 0 ? h.slice(qi + 1) : '');
  let view: View = { name: 'library' };
  const m = /^\/r\/(\d+)\/?$/.exec(path);
  if (m && Number(m[1]) > 0) view = { name: 'workbench', responseId: Number(m[1]) };
  else if (/^\/settings\/?$/.test(path)) view = { name: 'settings', section: query.get('section') };
  else if (/^\/compare\/?$/.test(path)) view = { name: 'compare' };
  else if (/^\/dashboard\/?$/.test(path)) view = { name: 'dashboard' };
  else if (/^\/team(\/\d+)?\/?$/.test(path)) {
    const id = Number(path.split('/')[2] ?? 0);
    view = { name: 'team', responseId: id > 0 ? id : null };
  }
  return { view, query };
}

function sameView(a: View, b: View): boolean {
  if (a.name !== b.name) return false;
  if (a.name === 'workbench' && b.name === 'workbench') return a.responseId === b.responseId;
  if (a.name === 'settings' && b.name === 'settings') return a.section === b.section;
  if (a.name === 'team' && b.name === 'team') return a.responseId === b.responseId;
  return true;
}

let applying = false;

function applyHash(): void {
  const { view, query } = parseHash(window.location.hash);
  const { filter, sort, order } = queryToFilter(query);
  const vq = viewQueries[view.name];
  applying = true;
  try {
    const f = useFilters.getState();
    // A compare or dashboard URL carries that view's state, not the library's filters (which stay as they were).
    if (vq) vq.fromQuery(query);
    else if (listKey(filter, sort, order) !== listKey(f.filter, f.sort, f.order)) f.replace(filter, sort, order);
    if (!sameView(view, useRoute.getState().view)) useRoute.setState({ view });
  } finally {
    applying = false;
  }
}

function writeHash(push: boolean): void {
  if (applying) return;
  const next = buildHash();
  if (next === window.location.hash) return;
  const url = `${window.location.pathname}${window.location.search}${next}`;
  if (push) window.history.pushState(null, '', url);
  else window.history.replaceState(null, '', url);
}

/** Reads the screen and filters from the URL, then keeps the URL in step with them (and them with Back/Forward). */
export function startHashSync(): () => void {
  applyHash();
  writeHash(false);
  const unRoute = useRoute.subscribe((s, prev) => {
    if (!sameView(s.view, prev.view)) writeHash(true);
  });
  const unFilters = useFilters.subscribe(() => writeHash(false));
  const unViews = Object.values(viewQueries).map((vq) => vq.subscribe(() => writeHash(false)));
  const onHash = () => applyHash();
  window.addEventListener('hashchange', onHash);
  window.addEventListener('popstate', onHash);
  return () => {
    unRoute();
    unFilters();
    for (const un of unViews) un();
    window.removeEventListener('hashchange', onHash);
    window.removeEventListener('popstate', onHash);
  };
}
