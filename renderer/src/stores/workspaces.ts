// The workspaces the app can switch between: the open one and the recently opened ones. The shell does the switch
// (core/workspace-switcher.ts); here, after one, every store starts over on the new workspace: the session, labels,
// runs and datasets, the list from row 0 without the old filters (they name the old workspace's runs and labels),
// and the workbench closes to the library. In the desktop app a workspace other than a recent one is picked in the
// system's dialogs; in a browser its path is typed (inside the folders the server allows).
import type { RecentWorkspace } from '../../../shared/api.ts';
import { call, shown } from '../api.ts';
import { createStore } from './create-store.ts';
import { useFilters } from './filters.ts';
import { useImports } from './imports.ts';
import { useList } from './list.ts';
import { notify } from './notifications.ts';
import { useRoute } from './route.ts';
import { useShell } from './shell.ts';
import { useWorkbench } from './workbench.ts';
import { useWorkspace } from './workspace.ts';

interface WorkspacesState {
  recent: RecentWorkspace[];
  switching: boolean;
  refresh(): Promise<void>;
  /** Opens a workspace (with `create`, makes a new one there); true once it is open. */
  open(path: string, create: boolean): Promise<boolean>;
  /** Desktop: opens a workspace file picked in the open dialog; true once it is open. */
  chooseAndOpen(): Promise<boolean>;
  /** Desktop: creates a workspace where the save dialog says; true once it is open. */
  chooseAndCreate(): Promise<boolean>;
}

function folderOf(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i > 0 ? p.slice(0, i + 1) : '';
}

function startOver(): void {
  useImports.getState().clear();
  useWorkbench.getState().close();
  useRoute.getState().openLibrary();
  const list = useList.getState();
  const generation = list.generation;
  useFilters.getState().reset();
  // reset() reloads the list itself when it cleared a filter
  if (useList.getState().generation === generation) list.reload();
  void useWorkspace.getState().load();
}

export const useWorkspaces = createStore<WorkspacesState>('workspaces', (set, get) => ({
  recent: [],
  switching: false,

  async refresh() {
    try {
      set({ recent: (await call('listWorkspaces', {})).recent });
    } catch (e) {
      shown(e);
    }
  },

  async open(path, create) {
    if (get().switching) return false;
    // Closing a workspace cancels its running import (rolled back); never do that behind the analyst's back.
    if (useImports.getState().job?.state === 'running' || useImports.getState().uploading) {
      notify('error', 'An import is running: wait for it to finish, or cancel it, before opening another workspace');
      return false;
    }
    set({ switching: true });
    try {
      const session = await call('openWorkspace', { path, create });
      useWorkspace.setState({ session });
      startOver();
      notify('success', `${create ? 'Created' : 'Opened'} ${session.workspace}`);
      void get().refresh();
      return true;
    } catch (e) {
      shown(e);
      return false;
    } finally {
      set({ switching: false });
    }
  },

  async chooseAndOpen() {
    if (get().switching) return false;
    const paths = await useShell.getState().choosePaths('workspace');
    return paths?.[0] ? get().open(paths[0], false) : false;
  },

  async chooseAndCreate() {
    if (get().switching) return false;
    const current = useWorkspace.getState().session?.workspace ?? '';
    const path = await useShell.getState().chooseSavePath('workspace', `${folderOf(current)}audit.db`);
    return path ? get().open(path, true) : false;
  },
}));
