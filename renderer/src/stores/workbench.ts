// The workbench: which response is open, its detail, and what the analyst has selected in it (step cursor and
// range, a text span, pending video in/out times, the selected tag). Also where this response sits in the library's
// filtered list, so ]/[ and "next unreviewed" walk the same list the analyst filtered.
import { createContext, useContext } from 'react';
import type { StateCreator, StoreApi, UseBoundStore } from 'zustand';
import type { ResponseDetail, ResponseRow, Tag } from '../../../shared/api.ts';
import { call, shown } from '../api.ts';
import { createStore } from './create-store.ts';
import { useFilters } from './filters.ts';
import { useList } from './list.ts';
import { notify } from './notifications.ts';
import { usePlayer } from './player.ts';
import { useRoute } from './route.ts';

export interface WorkbenchState {
  responseId: number | null;
  detail: ResponseDetail | null;
  loading: boolean;
  loadError: string | null;
  /** Position of the open response in the filtered, sorted list, and that list's size. */
  listIndex: number | null;
  listTotal: number | null;

  cursor: number;
  /** Other end of a step range (shift+j/k, shift-click); null = just the cursor. */
  anchor: number | null;
  /** A text selection inside the chain, as [start, end) offsets into the raw response. */
  span: [number, number] | null;
  pendingIn: number | null;
  pendingOut: number | null;
  selectedTag: string | null;
  /** The tag most recently created here: `n` and shift+1/2/3 act on it when no tag is selected. */
  lastTag: string | null;
  /** Bumped to ask the tag list to focus the note field of the target tag. */
  noteRequest: number;
  navigating: boolean;

  open(id: number): Promise<void>;
  reload(): Promise<void>;
  /** Forgets the open response (another workspace was opened: its ids mean nothing there). */
  close(): void;
  setCursor(i: number, extend?: boolean): void;
  moveCursor(delta: number, extend?: boolean): void;
  setSpan(span: [number, number] | null): void;
  markIn(t: number): void;
  markOut(t: number): void;
  clearMarks(): void;
  selectTag(uuid: string | null): void;
  cycleTag(dir: 1 | -1): void;
  requestNote(): void;

  // local bookkeeping after the API answered (annotations.ts calls these)
  putTag(tag: Tag, created?: boolean): void;
  dropTag(uuid: string): void;
  putDetail(patch: Partial<ResponseDetail>): void;

  go(dir: 1 | -1): Promise<void>;
  nextUnreviewed(): Promise<void>;
}

/**
 * One response's state and actions. `followsList`: the workbench screen keeps the library's cursor in step with the
 * open response; the compare view's columns (several responses at once, each with its own selection) do not.
 */
const workbench = (followsList: boolean): StateCreator<WorkbenchState, [], []> => (set, get) => {
  let loadSeq = 0;
  /** The state with no response open (at start, and after close()). */
  const NO_RESPONSE = {
    responseId: null,
    detail: null,
    loading: false,
    loadError: null,
    listIndex: null,
    listTotal: null,
    cursor: 0,
    anchor: null,
    span: null,
    pendingIn: null,
    pendingOut: null,
    selectedTag: null,
    lastTag: null,
  } as const;

  async function locate(id: number): Promise<void> {
    const { filter, sort, order } = useFilters.getState();
    try {
      const r = await call('locateResponse', { id, filter, sort, order });
      if (get().responseId !== id) return;
      set({ listTotal: r.total, ...(r.index !== null ? { listIndex: r.index } : {}) });
      if (r.index !== null) useList.getState().setCursor(r.index);
    } catch (e) {
      shown(e);
    }
  }

  function openAt(row: ResponseRow, index: number): void {
    set({ listIndex: index });
    useList.getState().setCursor(index);
    useList.getState().reveal(index);
    useRoute.getState().openResponse(row.id);
  }

  return {
    ...NO_RESPONSE,
    noteRequest: 0,
    navigating: false,

    async open(id) {
      const seq = ++loadSeq;
      const same = get().responseId === id;
      set({
        responseId: id,
        loading: true,
        loadError: null,
        ...(same
          ? {}
          : { detail: null, cursor: 0, anchor: null, span: null, pendingIn: null, pendingOut: null, selectedTag: null, lastTag: null }),
      });
      if (!same) usePlayer.setState({ pendingSeek: null });
      try {
        const detail = await call('getResponse', { id });
        if (seq !== loadSeq) return;
        set({ detail, loading: false });
      } catch (e) {
        if (seq !== loadSeq) return;
        set({ loading: false, loadError: (e as Error).message });
        shown(e);
        return;
      }
      if (followsList) void locate(id);
    },

    async reload() {
      const id = get().responseId;
      if (id === null) return;
      const seq = ++loadSeq;
      try {
        const detail = await call('getResponse', { id });
        if (seq !== loadSeq) return;
        // A suggestion decided meanwhile (undo, redo) has left the chain: it is no longer selectable.
        const tags = new Set(chainTags(detail.tags).map((t) => t.uuid));
        set({
          detail,
          selectedTag: get().selectedTag && tags.has(get().selectedTag as string) ? get().selectedTag : null,
          lastTag: get().lastTag && tags.has(get().lastTag as string) ? get().lastTag : null,
        });
      } catch (e) {
        shown(e);
      }
    },

    close() {
      ++loadSeq;
      set(NO_RESPONSE);
      usePlayer.setState({ pendingSeek: null });
    },

    setCursor(i, extend = false) {
      const n = get().detail?.steps.length ?? 0;
      if (n === 0) return;
      const c = Math.max(0, Math.min(n - 1, i));
      if (extend) set({ anchor: get().anchor ?? get().cursor, cursor: c, span: null });
      else set({ cursor: c, anchor: null, span: null });
    },
    moveCursor(delta, extend = false) {
      get().setCursor(get().cursor + delta, extend);
    },
    setSpan(span) {
      set({ span });
    },
    markIn(t) {
      const out = get().pendingOut;
      set({ pendingIn: t, ...(out !== null && out < t ? { pendingOut: null } : {}) });
    },
    markOut(t) {
      const inn = get().pendingIn;
      set({ pendingOut: t, ...(inn !== null && inn > t ? { pendingIn: null } : {}) });
    },
    clearMarks() {
      set({ pendingIn: null, pendingOut: null, span: null, anchor: null });
    },
    selectTag(uuid) {
      set({ selectedTag: uuid });
    },
    cycleTag(dir) {
      const tags = sortedTags(chainTags(get().detail?.tags ?? []));
      if (tags.length === 0) return;
      const i = tags.findIndex((t) => t.uuid === get().selectedTag);
      const next = tags[i < 0 ? (dir > 0 ? 0 : tags.length - 1) : (i + dir + tags.length) % tags.length];
      set({ selectedTag: next.uuid });
      if (next.time) usePlayer.getState().seek(next.time[0]);
    },
    requestNote() {
      set({ noteRequest: get().noteRequest + 1 });
    },

    putTag(tag, created = false) {
      const d = get().detail;
      if (!d || d.id !== tag.responseId) return;
      const exists = d.tags.some((t) => t.uuid === tag.uuid);
      const tags = exists ? d.tags.map((t) => (t.uuid === tag.uuid ? tag : t)) : [...d.tags, tag];
      set({ detail: { ...d, tags }, ...(created ? { lastTag: tag.uuid } : {}) });
    },
    dropTag(uuid) {
      const d = get().detail;
      if (!d) return;
      set({
        detail: { ...d, tags: d.tags.filter((t) => t.uuid !== uuid) },
        selectedTag: get().selectedTag === uuid ? null : get().selectedTag,
        lastTag: get().lastTag === uuid ? null : get().lastTag,
      });
    },
    putDetail(patch) {
      const d = get().detail;
      if (d) set({ detail: { ...d, ...patch } });
    },

    async go(dir) {
      const id = get().responseId;
      if (id === null || get().navigating) return;
      const { filter, sort, order } = useFilters.getState();
      set({ navigating: true });
      try {
        const loc = await call('locateResponse', { id, filter, sort, order });
        // When the open response has left the filtered list (e.g. marked done under "to review"), its successor slid
        // into its old place.
        const here = loc.index;
        const remembered = get().listIndex ?? -1;
        const target = here !== null ? here + dir : dir > 0 ? remembered : remembered - 1;
        if (target < 0 || target >= loc.total) {
          notify('info', dir > 0 ? 'This is the last response in the list' : 'This is the first response in the list');
          return;
        }
        const page = await call('listResponses', { filter, sort, order, offset: target, limit: 1 });
        const row = page.rows[0];
        if (row) openAt(row, target);
      } catch (e) {
        shown(e);
      } finally {
        set({ navigating: false });
      }
    },

    async nextUnreviewed() {
      const id = get().responseId;
      if (id === null || get().navigating) return;
      const { filter, sort, order } = useFilters.getState();
      set({ navigating: true });
      try {
        const loc = await call('locateResponse', { id, filter, sort, order });
        let from = loc.index !== null ? loc.index + 1 : (get().listIndex ?? 0);
        // Look ahead a few pages in list order; most of the time the next to-do is close by.
        for (let i = 0; i < 4 && from < loc.total; i++) {
          const page = await call('listResponses', { filter, sort, order, offset: from, limit: 500 });
          const k = page.rows.findIndex((r) => r.reviewStatus === 'todo' && r.id !== id);
          if (k >= 0) {
            openAt(page.rows[k], from + k);
            return;
          }
          from += page.rows.length;
          if (page.rows.length === 0) break;
        }
        // Otherwise the first to-do anywhere in the list (wrapping around).
        const first = await call('listResponses', { filter: { ...filter, review: 'todo' }, sort, order, offset: 0, limit: 2 });
        const row = first.rows.find((r) => r.id !== id);
        if (!row) {
          notify('success', 'Nothing left to review in this list');
          return;
        }
        const where = await call('locateResponse', { id: row.id, filter, sort, order });
        openAt(row, where.index ?? 0);
      } catch (e) {
        shown(e);
      } finally {
        set({ navigating: false });
      }
    },
  };
};

export type WorkbenchStore = UseBoundStore<StoreApi<WorkbenchState>>;

export const useWorkbench: WorkbenchStore = createStore<WorkbenchState>('workbench', workbench(true));

const columns: WorkbenchStore[] = [];

/** The i-th of the compare view's columns: a workbench of its own (same actions, own selection), made once and reused. */
export function columnWorkbench(i: number): WorkbenchStore {
  while (columns.length <= i) columns.push(createStore<WorkbenchState>(`workbench-column-${columns.length}`, workbench(false)));
  return columns[i];
}

/** Every workbench that may show a response (undo/redo reloads the one holding the response it touched). */
export function allWorkbenches(): WorkbenchStore[] {
  return [useWorkbench, ...columns];
}

/**
 * Which workbench the components below act on: the workbench screen's by default, a compare column's inside its
 * provider. ChainView, TagPanel, Timeline and the label palette read it, so one set of components serves both.
 */
export const WorkbenchContext = createContext<WorkbenchStore>(useWorkbench);

export function useWorkbenchStore(): WorkbenchStore {
  return useContext(WorkbenchContext);
}

/** A selector on the workbench of the context. */
export function useWb<T>(selector: (s: WorkbenchState) => T): T {
  return useContext(WorkbenchContext)(selector);
}

/** Tags in reading order: by first step, then span, then time. */
export function sortedTags(tags: readonly Tag[]): Tag[] {
  const key = (t: Tag) => [t.steps?.[0] ?? Number.MAX_SAFE_INTEGER, t.span?.[0] ?? Number.MAX_SAFE_INTEGER, t.time?.[0] ?? Number.MAX_SAFE_INTEGER];
  return [...tags].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < 3; i++) if (ka[i] !== kb[i]) return ka[i] - kb[i];
    return a.createdAt.localeCompare(b.createdAt);
  });
}

/** The steps the next tag will cover: those a text span touches, else the cursor (to the anchor). */
export function selectedSteps(s: Pick<WorkbenchState, 'detail' | 'cursor' | 'anchor' | 'span'>): [number, number] | null {
  const steps = s.detail?.steps ?? [];
  if (steps.length === 0) return null;
  if (s.span) {
    const [a, b] = s.span;
    const hit = steps.filter((st) => st.end > a && st.start < Math.max(b, a + 1));
    if (hit.length) return [hit[0].index, hit[hit.length - 1].index];
  }
  const a = Math.min(s.anchor ?? s.cursor, steps.length - 1);
  const c = Math.min(s.cursor, steps.length - 1);
  return [steps[Math.min(a, c)].index, steps[Math.max(a, c)].index];
}

/** The pending time range from i/o marks: both → [in, out]; one → a single instant. */
export function pendingTime(s: Pick<WorkbenchState, 'pendingIn' | 'pendingOut'>): [number, number] | null {
  const { pendingIn: a, pendingOut: b } = s;
  if (a === null && b === null) return null;
  if (a !== null && b !== null) return [Math.min(a, b), Math.max(a, b)];
  const t = (a ?? b) as number;
  return [t, t];
}

/** The tag `n` / shift+1..3 act on: never a check's suggestion (with one selected, none). */
export function targetTag(s: Pick<WorkbenchState, 'detail' | 'selectedTag' | 'lastTag'>): Tag | null {
  const tags = s.detail?.tags ?? [];
  const selected = tags.find((t) => t.uuid === s.selectedTag);
  if (selected) return isSuggestion(selected) ? null : selected;
  const last = tags.find((t) => t.uuid === s.lastTag);
  return last && !isSuggestion(last) ? last : null;
}

// ---------- the automatic checks' suggestions ----------
// A suggestion is a tag of origin 'suggestion' by `auto:<check>`. Open ones are drawn in the chain (dashed) and walked
// with the tags; decided ones leave it (an accepted one lives on as the decider's own tag), and never count as anyone's.

export function isSuggestion(t: Tag): boolean {
  return t.origin === 'suggestion';
}

export function isOpenSuggestion(t: Tag): boolean {
  return isSuggestion(t) && !t.suggestion?.decision;
}

/** People's (and imported judges') tags: what the tag counts and "mine" count. */
export function peopleTags(tags: readonly Tag[]): Tag[] {
  return tags.filter((t) => !isSuggestion(t));
}

/** What the chain draws and `e` walks: people's tags and the open suggestions. */
export function chainTags(tags: readonly Tag[]): Tag[] {
  return tags.filter((t) => !isSuggestion(t) || isOpenSuggestion(t));
}

/** The selected tag when it is an open suggestion (what `a` / `d` decide). */
export function selectedSuggestion(s: Pick<WorkbenchState, 'detail' | 'selectedTag'>): Tag | null {
  const t = s.detail?.tags.find((x) => x.uuid === s.selectedTag);
  return t && isOpenSuggestion(t) ? t : null;
}

/** The check's name of a suggestion ('answer-conflict'), from its info or its annotator `auto:<check>`. */
export function checkName(t: Tag): string {
  return t.suggestion?.check ?? t.annotator.replace(/^auto:/, '');
}
