// The workspace and session: who is annotating, what can be undone, and the workspace-wide lists the other views
// read (taxonomy labels, runs, datasets, annotators).
import type { AnnotatorSummary, DatasetSummary, FrameMapping, Label, RunSettings, RunSummary, Session } from '../../../shared/api.ts';
import { call, shown } from '../api.ts';
import { createStore } from './create-store.ts';
import { useList } from './list.ts';
import { useWorkbench } from './workbench.ts';
import { notify } from './notifications.ts';

interface WorkspaceState {
  session: Session | null;
  labels: Label[];
  runs: RunSummary[];
  datasets: DatasetSummary[];
  annotators: AnnotatorSummary[];
  loaded: boolean;
  load(): Promise<void>;
  refreshSession(): Promise<void>;
  refreshLabels(): Promise<void>;
  refreshRuns(): Promise<void>;
  refreshDatasets(): Promise<void>;
  refreshAnnotators(): Promise<void>;
  setAnnotator(name: string): Promise<void>;
  setUndoState(canUndo: boolean, canRedo: boolean): void;
  /** Saves a label; returns the error message for inline display instead of throwing. */
  saveLabel(label: {
    key: string;
    name: string;
    description: string;
    color: string;
    hotkey: string | null;
    target: Label['target'];
    sortOrder?: number;
  }): Promise<string | null>;
  retireLabel(key: string, retired: boolean): Promise<void>;
  setRunSettings(name: string, settings: RunSettings): Promise<string | null>;
  setFrameMapping(datasetId: number, mapping: FrameMapping): Promise<string | null>;
  remapDataRoot(datasetId: number, root: string): Promise<string | null>;
}

export const useWorkspace = createStore<WorkspaceState>('workspace', (set, get) => ({
  session: null,
  labels: [],
  runs: [],
  datasets: [],
  annotators: [],
  loaded: false,

  async load() {
    try {
      const [session, labels, runs, datasets, annotators] = await Promise.all([
        call('getSession', {}),
        call('listLabels', { includeRetired: true }),
        call('listRuns', {}),
        call('listDatasets', {}),
        call('listAnnotators', {}),
      ]);
      set({ session, labels, runs, datasets, annotators, loaded: true });
    } catch (e) {
      set({ loaded: true });
      shown(e);
    }
  },
  async refreshSession() {
    try {
      set({ session: await call('getSession', {}) });
    } catch (e) {
      shown(e);
    }
  },
  async refreshLabels() {
    try {
      set({ labels: await call('listLabels', { includeRetired: true }) });
    } catch (e) {
      shown(e);
    }
  },
  async refreshRuns() {
    try {
      set({ runs: await call('listRuns', {}) });
    } catch (e) {
      shown(e);
    }
  },
  async refreshDatasets() {
    try {
      set({ datasets: await call('listDatasets', {}) });
    } catch (e) {
      shown(e);
    }
  },
  async refreshAnnotators() {
    try {
      set({ annotators: await call('listAnnotators', {}) });
    } catch (e) {
      shown(e);
    }
  },
  async setAnnotator(name) {
    try {
      const session = await call('setAnnotator', { name });
      set({ session });
      notify('success', `Annotating as ${session.annotator}`);
      // "My verdict" and review status are per annotator: show the new annotator's.
      if (useList.getState().generation > 0) useList.getState().refresh();
      void useWorkbench.getState().reload();
    } catch (e) {
      shown(e);
    }
  },
  setUndoState(canUndo, canRedo) {
    const s = get().session;
    if (s && (s.canUndo !== canUndo || s.canRedo !== canRedo)) set({ session: { ...s, canUndo, canRedo } });
  },
  async saveLabel(label) {
    try {
      const saved = await call('saveLabel', label, { quiet: ['conflict', 'invalid_input'] });
      const labels = get().labels;
      const i = labels.findIndex((l) => l.key === saved.key);
      set({ labels: i >= 0 ? labels.map((l, j) => (j === i ? saved : l)) : [...labels, saved] });
      return null;
    } catch (e) {
      shown(e);
      return (e as Error).message;
    }
  },
  async retireLabel(key, retired) {
    try {
      const saved = await call('retireLabel', { key, retired });
      set({ labels: get().labels.map((l) => (l.key === key ? saved : l)) });
    } catch (e) {
      shown(e);
    }
  },
  async setRunSettings(name, settings) {
    try {
      const run = await call('setRunSettings', { name, settings }, { quiet: ['invalid_input'] });
      set({ runs: get().runs.map((r) => (r.name === name ? run : r)) });
      return null;
    } catch (e) {
      shown(e);
      return (e as Error).message;
    }
  },
  async setFrameMapping(datasetId, mapping) {
    try {
      const ds = await call('setFrameMapping', { datasetId, mapping }, { quiet: ['invalid_input'] });
      set({ datasets: get().datasets.map((d) => (d.id === datasetId ? ds : d)) });
      return null;
    } catch (e) {
      shown(e);
      return (e as Error).message;
    }
  },
  async remapDataRoot(datasetId, root) {
    try {
      const ds = await call('remapDataRoot', { datasetId, root }, { quiet: ['invalid_input', 'not_found', 'forbidden'] });
      set({ datasets: get().datasets.map((d) => (d.id === datasetId ? ds : d)) });
      const n = (k: number, what: string) => `${k} ${what}${k === 1 ? '' : 's'}`;
      notify('success', `${ds.name}: data root set; ${n(ds.missingVideos, 'video')} and ${n(ds.missingImages, 'image')} missing`);
      return null;
    } catch (e) {
      shown(e);
      return (e as Error).message;
    }
  },
}));

export function activeLabels(labels: readonly Label[]): Label[] {
  return labels.filter((l) => !l.retired).sort((a, b) => a.sortOrder - b.sortOrder);
}

export function labelByKey(labels: readonly Label[], key: string): Label | undefined {
  return labels.find((l) => l.key === key);
}
