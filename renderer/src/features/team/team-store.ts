// The Team view's state: the disagreement list (which raters, which state), the case open for adjudication with its
// response text, the tag the keyboard is on, and the pack dialog's report. The open response lives in the route
// (#/team/123), so a case can be bookmarked and Back works.
import type {
  AdjudicationCase,
  AdjudicationDecisionKind,
  DisagreementPage,
  Input,
  PackReport,
  ResponseDetail,
  Supports,
} from '../../../../shared/api.ts';
import { call, shown } from '../../api.ts';
import { createStore } from '../../stores/create-store.ts';
import { notify } from '../../stores/notifications.ts';
import { useRoute } from '../../stores/route.ts';
import { uploadFiles, type UploadProgress } from '../../stores/uploads.ts';
import { useWorkspace } from '../../stores/workspace.ts';

export type CaseState = 'all' | 'open' | 'resolved';

interface TeamState {
  state: CaseState;
  /** Narrow the raters to these annotators (empty: everyone). */
  raters: string[];
  page: DisagreementPage | null;
  loading: boolean;
  responseId: number | null;
  kase: AdjudicationCase | null;
  response: ResponseDetail | null;
  /** Index into kase.tags of the tag the keyboard is on. */
  cursor: number;
  /** The tag whose edit form is open. */
  editing: string | null;
  busy: boolean;
  packDialog: boolean;
  packReport: PackReport | null;
  packError: string | null;
  importing: boolean;
  /** Browser mode: the pack file being (or last) uploaded. */
  packUpload: UploadProgress | null;

  setState(state: CaseState): void;
  setRaters(raters: string[]): void;
  load(): Promise<void>;
  open(responseId: number | null): Promise<void>;
  go(delta: number): void;
  move(delta: number): void;
  decide(tag: string, decision: AdjudicationDecisionKind, edit?: Input<'adjudicateTag'>['edit']): Promise<void>;
  pickVerdict(supports: Supports): Promise<void>;
  setEditing(uuid: string | null): void;
  setPackDialog(open: boolean): void;
  /** Merges the pack at `path` (desktop: chosen in the dialog; browser: inside an allowed folder, or an upload). */
  importPack(path: string): Promise<void>;
  /** Browser mode: uploads a pack file, then merges it. */
  importPackFile(file: File): Promise<void>;
  /** Stops the pack's upload. */
  cancelPackUpload(): void;
}

export const useTeam = createStore<TeamState>('team', (set, get) => {
  let packAbort: AbortController | null = null;
  const ratersInput = () => (get().raters.length ? { annotators: get().raters } : {});

  const refreshCase = (kase: AdjudicationCase) => {
    set({ kase, cursor: Math.min(get().cursor, Math.max(0, kase.tags.length - 1)) });
    // The list row's decided/resolved counts follow the case.
    const page = get().page;
    const row = page?.rows.find((r) => r.responseId === kase.responseId);
    if (page && row) {
      const decided = kase.tags.filter((t) => t.decision !== null).length;
      const rows = page.rows.map((r) => (r === row ? { ...r, decided, toDecide: kase.tags.length, resolved: kase.resolved } : r));
      set({ page: { ...page, rows, resolved: page.resolved + Number(kase.resolved) - Number(row.resolved) } });
    }
  };

  return {
    state: 'all',
    raters: [],
    page: null,
    loading: false,
    responseId: null,
    kase: null,
    response: null,
    cursor: 0,
    editing: null,
    busy: false,
    packDialog: false,
    packReport: null,
    packError: null,
    importing: false,
    packUpload: null,

    setState(state) {
      set({ state });
      void get().load();
    },
    setRaters(raters) {
      set({ raters });
      void get().load();
      const id = get().responseId;
      if (id !== null) void get().open(id);
    },
    async load() {
      set({ loading: true });
      try {
        const page = await call('listDisagreements', { state: get().state, limit: 500, ...ratersInput() });
        set({ page });
      } catch (e) {
        shown(e);
      } finally {
        set({ loading: false });
      }
    },
    async open(responseId) {
      const changed = responseId !== get().responseId;
      set({ responseId, ...(changed ? { cursor: 0, editing: null, kase: null, response: null } : {}) });
      if (responseId === null) return;
      try {
        const [kase, response] = await Promise.all([
          call('getAdjudication', { responseId, ...ratersInput() }),
          call('getResponse', { id: responseId }),
        ]);
        if (get().responseId !== responseId) return; // another case was opened meanwhile
        set({ kase, response });
      } catch (e) {
        shown(e);
      }
    },
    go(delta) {
      const rows = get().page?.rows ?? [];
      if (rows.length === 0) return;
      const i = rows.findIndex((r) => r.responseId === get().responseId);
      const next = rows[i < 0 ? 0 : Math.max(0, Math.min(rows.length - 1, i + delta))];
      useRoute.getState().open({ name: 'team', responseId: next.responseId });
    },
    move(delta) {
      const n = get().kase?.tags.length ?? 0;
      if (n === 0) return;
      set({ cursor: Math.max(0, Math.min(n - 1, get().cursor + delta)), editing: null });
    },
    async decide(tag, decision, edit) {
      set({ busy: true });
      try {
        const kase = await call('adjudicateTag', { tag, decision, ...(edit ? { edit } : {}), ...ratersInput() });
        refreshCase(kase);
        set({ editing: null });
        void useWorkspace.getState().refreshSession();
        if (kase.resolved) notify('success', 'Resolved: every tag decided' + (kase.verdictsDiffer ? ' and the verdict picked' : ''));
      } catch (e) {
        shown(e);
      } finally {
        set({ busy: false });
      }
    },
    async pickVerdict(supports) {
      const id = get().responseId;
      if (id === null) return;
      set({ busy: true });
      try {
        refreshCase(await call('adjudicateVerdict', { responseId: id, supports, ...ratersInput() }));
      } catch (e) {
        shown(e);
      } finally {
        set({ busy: false });
      }
    },
    setEditing(uuid) {
      set({ editing: uuid });
    },
    setPackDialog(open) {
      if (!open) get().cancelPackUpload();
      set({ packDialog: open, ...(open ? { packReport: null, packError: null, packUpload: null } : {}) });
    },
    async importPack(path) {
      set({ importing: true, packError: null, packReport: null });
      try {
        const packReport = await call('importPack', { path }, { quiet: true });
        set({ packReport });
        // New annotators, labels and tags: everything that lists them.
        void useWorkspace.getState().refreshAnnotators();
        void useWorkspace.getState().refreshLabels();
        void get().load();
      } catch (e) {
        set({ packError: (e as Error).message });
      } finally {
        set({ importing: false });
      }
    },
    async importPackFile(file) {
      if (get().importing) return;
      const controller = (packAbort = new AbortController());
      set({ importing: true, packError: null, packReport: null });
      let ref: string;
      try {
        // Shown in the dialog, as the merge's own errors are.
        [ref] = await uploadFiles([file], ([packUpload]) => set({ packUpload }), { signal: controller.signal, quiet: true });
      } catch (e) {
        set({ importing: false, packError: (e as Error).message });
        return;
      } finally {
        if (packAbort === controller) packAbort = null;
      }
      // The server removes the upload once it is merged.
      await get().importPack(ref);
    },
    cancelPackUpload() {
      packAbort?.abort();
    },
  };
});
