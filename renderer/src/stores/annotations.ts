// Annotation actions: tags, verdicts, review status, undo/redo. Each is committed the moment it is made (no save
// button); `saving`/`savedAt` drive the small "saved" indicator in the header.
import type { Input, Label, ReviewStatus, Severity, Supports, Tag } from '../../../shared/api.ts';
import { call, shown } from '../api.ts';
import { createStore } from './create-store.ts';
import { useList } from './list.ts';
import { useRoute } from './route.ts';
import { notify } from './notifications.ts';
import { formatKey } from '../hotkeys.ts';
import { allWorkbenches, chainTags, checkName, isOpenSuggestion, peopleTags, pendingTime, selectedSteps, sortedTags, useWorkbench, type WorkbenchStore } from './workbench.ts';
import { useWorkspace } from './workspace.ts';

// Every action acts on one workbench: the workbench screen's by default, or a compare column's (`wb`).
interface AnnotationsState {
  saving: number;
  savedAt: number | null;

  tagWith(label: Label, wb?: WorkbenchStore): Promise<Tag | undefined>;
  updateTag(uuid: string, patch: Omit<Input<'updateTag'>, 'uuid'>, wb?: WorkbenchStore): Promise<void>;
  deleteTag(uuid: string, wb?: WorkbenchStore): Promise<void>;
  setSupports(supports: Supports | null, wb?: WorkbenchStore): Promise<void>;
  setReview(status: ReviewStatus, wb?: WorkbenchStore): Promise<void>;
  setSeverity(uuid: string, severity: Severity | null, wb?: WorkbenchStore): Promise<void>;
  /**
   * Accepts (it becomes my tag), rejects, or takes back the decision on a check's suggestion. Deciding the selected
   * one moves the selection to the next open suggestion, so `a` / `d` walk through them.
   */
  decideSuggestion(uuid: string, decision: 'accepted' | 'rejected' | 'undecided', wb?: WorkbenchStore): Promise<void>;
  undo(): Promise<void>;
  redo(): Promise<void>;
}

export const useAnnotations = createStore<AnnotationsState>('annotations', (set, get) => {
  async function mutate<T>(fn: () => Promise<T>): Promise<T | undefined> {
    set({ saving: get().saving + 1 });
    try {
      const v = await fn();
      set({ savedAt: Date.now() });
      useWorkspace.getState().setUndoState(true, false);
      return v;
    } catch (e) {
      shown(e);
      return undefined;
    } finally {
      set({ saving: get().saving - 1 });
    }
  }

  /** Keeps the library's cached row in step (the library also re-fetches what it holds when it reappears). */
  function syncTagCount(responseId: number, store: WorkbenchStore) {
    const wb = store.getState();
    if (wb.detail?.id === responseId) useList.getState().patchRow(responseId, { tagCount: peopleTags(wb.detail.tags).length });
  }

  /** 'tag.create' → 'new tag': the service's action names, in words. */
  function actionText(action: string | null): string {
    const words: Record<string, string> = {
      'tag.create': 'new tag',
      'tag.update': 'tag edit',
      'tag.delete': 'tag deletion',
      'verdict.set': 'verdict / review status',
      'suggestion.accepted': 'accepting a suggestion',
      'suggestion.rejected': 'rejecting a suggestion',
      'suggestion.undecided': 'taking back a decision on a suggestion',
    };
    return action ? (words[action] ?? action.replace(/[._]/g, ' ')) : 'last action';
  }

  async function undoRedo(kind: 'undo' | 'redo') {
    set({ saving: get().saving + 1 });
    try {
      const r = await call(kind, {});
      useWorkspace.getState().setUndoState(r.canUndo, r.canRedo);
      set({ savedAt: Date.now() });
      if (useRoute.getState().view.name === 'library' && r.responseId !== null) useList.getState().refresh();
      const store = allWorkbenches().find((w) => w.getState().responseId === r.responseId);
      if (r.responseId === null) {
        notify('info', kind === 'undo' ? 'Nothing to undo' : 'Nothing to redo');
      } else if (store) {
        await Promise.all(allWorkbenches().filter((w) => w.getState().responseId === r.responseId).map((w) => w.getState().reload()));
        const d = store.getState().detail;
        if (d) useList.getState().patchRow(d.id, { tagCount: peopleTags(d.tags).length, supports: d.mine?.supports ?? null, reviewStatus: d.mine?.reviewStatus ?? 'todo' });
        notify('info', `${kind === 'undo' ? 'Undone' : 'Redone'}: ${actionText(r.action)}`);
      } else {
        notify('info', `${kind === 'undo' ? 'Undone' : 'Redone'}: ${actionText(r.action)} on response #${r.responseId}`);
      }
    } catch (e) {
      shown(e);
    } finally {
      set({ saving: get().saving - 1 });
    }
  }

  return {
    saving: 0,
    savedAt: null,

    async tagWith(label, store = useWorkbench) {
      const wb = store.getState();
      const d = wb.detail;
      if (!d) return undefined;
      const input: Input<'createTag'> = { responseId: d.id, label: label.key };
      if (label.target !== 'response') {
        const steps = selectedSteps(wb);
        if (steps) input.steps = steps;
        if (wb.span) input.span = wb.span;
      }
      const time = pendingTime(wb);
      if (time) input.time = time;
      // A tag uses up the text selection and the in/out marks (the step cursor and range stay). They are cleared now,
      // before the call returns, so a second key pressed right after cannot pick them up again; a failed call puts
      // them back.
      const used = { span: wb.span, pendingIn: wb.pendingIn, pendingOut: wb.pendingOut };
      store.setState({ span: null, pendingIn: null, pendingOut: null });
      window.getSelection()?.removeAllRanges();
      const tag = await mutate(() => call('createTag', input));
      if (tag) {
        store.getState().putTag(tag, true);
        syncTagCount(d.id, store);
      } else if (store.getState().detail?.id === d.id) {
        store.setState(used);
      }
      return tag;
    },

    async updateTag(uuid, patch, store = useWorkbench) {
      const tag = await mutate(() => call('updateTag', { uuid, ...patch }));
      if (tag) store.getState().putTag(tag);
    },

    async setSeverity(uuid, severity, store = useWorkbench) {
      await get().updateTag(uuid, { severity }, store);
    },

    async deleteTag(uuid, store = useWorkbench) {
      const d = store.getState().detail;
      const r = await mutate(() => call('deleteTag', { uuid }));
      if (r) {
        store.getState().dropTag(uuid);
        if (d) syncTagCount(d.id, store);
      }
    },

    async decideSuggestion(uuid, decision, store = useWorkbench) {
      const wb = store.getState();
      const d = wb.detail;
      const before = d?.tags.find((t) => t.uuid === uuid);
      if (!d || !before) return;
      // The open suggestion after this one in reading order (wrapping), chosen before the list changes.
      const open = sortedTags(chainTags(d.tags)).filter(isOpenSuggestion);
      const at = open.findIndex((t) => t.uuid === uuid);
      const next = at >= 0 && open.length > 1 ? open[(at + 1) % open.length] : null;
      const r = await mutate(() => call('decideSuggestion', { uuid, decision }));
      if (!r) return;
      const s = store.getState();
      if (s.detail?.id !== d.id) return;
      s.putTag(r.suggestion);
      // Rejecting or taking back an accepted suggestion tombstones the tag it had made.
      const old = before.suggestion?.resultTag;
      if (old && old !== r.tag?.uuid) s.dropTag(old);
      if (r.tag) s.putTag(r.tag, true);
      if (decision !== 'undecided' && s.selectedTag === uuid) s.selectTag(next?.uuid ?? null);
      syncTagCount(d.id, store);
      const name = useWorkspace.getState().labels.find((l) => l.key === before.label)?.name ?? before.label;
      const what = `${name} (${checkName(before)})`;
      const undo = `${formatKey('mod+z')} undoes it`;
      if (decision === 'accepted') notify('success', `Accepted: ${what} is now your tag`, undo);
      else if (decision === 'rejected') notify('info', `Rejected: ${what}`, undo);
      else notify('info', `Open again: ${what}`, undo);
    },

    async setSupports(supports, store = useWorkbench) {
      const d = store.getState().detail;
      if (!d) return;
      const v = await mutate(() => call('setVerdict', { responseId: d.id, supports }));
      if (v) {
        const cur = store.getState().detail;
        if (cur && cur.id === d.id) {
          store.getState().putDetail({ mine: v, verdicts: [...cur.verdicts.filter((x) => x.uuid !== v.uuid && x.annotator !== v.annotator), v] });
        }
        useList.getState().patchRow(d.id, { supports: v.supports, reviewStatus: v.reviewStatus });
      }
    },

    async setReview(status, store = useWorkbench) {
      const d = store.getState().detail;
      if (!d) return;
      const v = await mutate(() => call('setVerdict', { responseId: d.id, reviewStatus: status }));
      if (v) {
        const cur = store.getState().detail;
        if (cur && cur.id === d.id) {
          store.getState().putDetail({ mine: v, verdicts: [...cur.verdicts.filter((x) => x.uuid !== v.uuid && x.annotator !== v.annotator), v] });
        }
        useList.getState().patchRow(d.id, { supports: v.supports, reviewStatus: v.reviewStatus });
      }
    },

    undo: () => undoRedo('undo'),
    redo: () => undoRedo('redo'),
  };
});
