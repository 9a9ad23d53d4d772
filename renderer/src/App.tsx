import { useEffect } from 'react';
import { installHotkeys, setLabelSource, useHotkeys } from './hotkeys.ts';
import { useAnnotations } from './stores/annotations.ts';
import { startHashSync, useRoute } from './stores/route.ts';
import { useShell } from './stores/shell.ts';
import { useUi } from './stores/ui.ts';
import { useWorkspace } from './stores/workspace.ts';
import { Header } from './ui/Header.tsx';
import { HelpOverlay } from './ui/HelpOverlay.tsx';
import { Toasts } from './ui/Toasts.tsx';
import { ignoreStrayDrops } from './ui/FilePicker.tsx';
import { LibraryView } from './features/library/LibraryView.tsx';
import { WorkbenchView } from './features/workbench/WorkbenchView.tsx';
import { SettingsView } from './features/settings/SettingsView.tsx';
import { ImportDialog } from './features/settings/ImportDialog.tsx';
import { CompareView } from './features/compare/CompareView.tsx';
import { DashboardView } from './features/dashboard/DashboardView.tsx';
import { TeamView } from './features/team/TeamView.tsx';

export function App() {
  useEffect(() => {
    setLabelSource(() => useWorkspace.getState().labels);
    const stopKeys = installHotkeys();
    const stopHash = startHashSync();
    const stopDrops = ignoreStrayDrops();
    void useWorkspace.getState().load();
    void useShell.getState().load();
    // A button clicked with the mouse should not keep the keyboard focus: Space would press it again instead of
    // playing the video. (Tab focus is untouched.)
    const keepFocus = (e: MouseEvent) => {
      if ((e.target as Element | null)?.closest?.('button')) e.preventDefault();
    };
    document.addEventListener('mousedown', keepFocus);
    return () => {
      document.removeEventListener('mousedown', keepFocus);
      stopKeys();
      stopHash();
      stopDrops();
    };
  }, []);

  const view = useRoute((s) => s.view);
  const help = useUi((s) => s.help);
  const importDialog = useUi((s) => s.importDialog);

  useHotkeys('global', {
    help: () => useUi.getState().toggleHelp(),
    escape: () => useUi.getState().closeTop(),
    undo: () => void useAnnotations.getState().undo(),
    redo: () => void useAnnotations.getState().redo(),
    settings: () => useRoute.getState().openSettings(),
  });

  return (
    <div className="app">
      <Header />
      <main className="app-main">
        {view.name === 'library' && <LibraryView />}
        {view.name === 'workbench' && <WorkbenchView responseId={view.responseId} />}
        {view.name === 'settings' && <SettingsView section={view.section} />}
        {view.name === 'compare' && <CompareView />}
        {view.name === 'dashboard' && <DashboardView />}
        {view.name === 'team' && <TeamView responseId={view.responseId} />}
      </main>
      {help && <HelpOverlay />}
      {importDialog && <ImportDialog />}
      <Toasts />
    </div>
  );
}
