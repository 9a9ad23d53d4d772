// The response list, paged: only the pages near what is on screen are held (a bounded cache), so a list of a million
// responses costs no more than one of a hundred. Pages are fetched on demand as the list scrolls; rows not yet loaded
// show as placeholders. Any change of filter or sort reloads from row 0.
import type { ResponseRow } from '../../../shared/api.ts';
import { call, shown } from '../api.ts';
import { createStore } from './create-store.ts';
import { listKey, useFilters } from './filters.ts';

export const PAGE_SIZE = 100;
/** Pages kept in memory; the oldest outside the visible range are dropped first. */
const MAX_PAGES = 60;

interface ListState {
  /** The filter+sort the held pages belong to. */
  key: string;
  /** Bumped on every reload, so stale responses are dropped and the view scrolls back to the top. */
  generation: number;
  total: number | null;
  pages: Map<number, ResponseRow[]>;
  loading: Set<number>;
  /** Keyboard cursor (row index) and the scroll position to come back to. */
  cursor: number;
  scrollTop: number;
  /** When set, the list view scrolls this row into view once (e.g. coming back from the workbench). */
  revealIndex: number | null;
  error: string | null;

  reload(): void;
  ensureRange(first: number, last: number): void;
  /** Re-fetches the pages held (after annotations changed), keeping what is on screen until the new rows arrive. */
  refresh(): void;
  setCursor(i: number): void;
  setScrollTop(y: number): void;
  reveal(i: number | null): void;
  patchRow(id: number, patch: Partial<ResponseRow>): void;
}

export const useList = createStore<ListState>('list', (set, get) => {
  /** Pages whose fetch failed in this generation: not retried until the next reload. */
  const failed = new Set<number>();
  async function fetchPage(page: number, generation: number): Promise<void> {
    const loading = new Set(get().loading);
    loading.add(page);
    set({ loading });
    const { filter, sort, order } = useFilters.getState();
    try {
      const res = await call('listResponses', { filter, sort, order, offset: page * PAGE_SIZE, limit: PAGE_SIZE });
      if (get().generation !== generation) return;
      const pages = new Map(get().pages);
      pages.delete(page); // re-insert: Map order is the LRU order
      pages.set(page, res.rows);
      trim(pages, page);
      set({ pages, total: res.total, error: null });
    } catch (e) {
      if (get().generation === generation) {
        failed.add(page);
        set({ error: (e as Error).message, total: get().total ?? 0 });
      }
      shown(e);
    } finally {
      if (get().generation === generation) {
        const l = new Set(get().loading);
        l.delete(page);
        set({ loading: l });
      }
    }
  }

  function trim(pages: Map<number, ResponseRow[]>, keep: number): void {
    if (pages.size <= MAX_PAGES) return;
    for (const p of pages.keys()) {
      if (pages.size <= MAX_PAGES) break;
      if (Math.abs(p - keep) > 3) pages.delete(p);
    }
  }

  return {
    key: '',
    generation: 0,
    total: null,
    pages: new Map(),
    loading: new Set(),
    cursor: 0,
    scrollTop: 0,
    revealIndex: null,
    error: null,

    reload() {
      const { filter, sort, order } = useFilters.getState();
      const generation = get().generation + 1;
      failed.clear();
      set({
        key: listKey(filter, sort, order),
        generation,
        total: null,
        pages: new Map(),
        loading: new Set(),
        cursor: 0,
        scrollTop: 0,
        revealIndex: null,
        error: null,
      });
      void fetchPage(0, generation);
    },

    ensureRange(first, last) {
      const { pages, loading, generation, total } = get();
      const max = total === null ? last : Math.min(last, Math.max(0, total - 1));
      const p0 = Math.floor(Math.max(0, first) / PAGE_SIZE);
      const p1 = Math.floor(Math.max(0, max) / PAGE_SIZE);
      for (let p = p0; p <= p1; p++) {
        if (!pages.has(p) && !loading.has(p) && !failed.has(p)) void fetchPage(p, generation);
      }
    },

    refresh() {
      const { pages, generation } = get();
      if (pages.size === 0) {
        get().reload();
        return;
      }
      for (const p of [...pages.keys()].slice(-8)) void fetchPage(p, generation);
    },

    setCursor(i) {
      const total = get().total ?? 0;
      set({ cursor: Math.max(0, Math.min(i, Math.max(0, total - 1))) });
    },
    setScrollTop(y) {
      set({ scrollTop: y });
    },
    reveal(i) {
      set({ revealIndex: i });
    },

    patchRow(id, patch) {
      const pages = get().pages;
      for (const [p, rows] of pages) {
        const i = rows.findIndex((r) => r.id === id);
        if (i >= 0) {
          const next = new Map(pages);
          next.set(p, rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
          set({ pages: next });
          return;
        }
      }
    },
  };
});

export function rowAt(pages: Map<number, ResponseRow[]>, index: number): ResponseRow | undefined {
  return pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
}

// Any change of filter or sort reloads the list from row 0.
useFilters.subscribe((s) => {
  const key = listKey(s.filter, s.sort, s.order);
  if (key !== useList.getState().key && useList.getState().generation > 0) useList.getState().reload();
});
