// Overlays that sit above the screens: the hotkey help, the label palette and the import dialog.
import { createStore } from './create-store.ts';

interface UiState {
  help: boolean;
  palette: boolean;
  importDialog: boolean;
  toggleHelp(open?: boolean): void;
  setPalette(open: boolean): void;
  setImportDialog(open: boolean): void;
  /** Closes the topmost overlay; false when none was open. */
  closeTop(): boolean;
}

export const useUi = createStore<UiState>('ui', (set, get) => ({
  help: false,
  palette: false,
  importDialog: false,
  toggleHelp(open) {
    set({ help: open ?? !get().help });
  },
  setPalette(open) {
    set({ palette: open });
  },
  setImportDialog(open) {
    set({ importDialog: open });
  },
  closeTop() {
    const s = get();
    if (s.help) set({ help: false });
    else if (s.palette) set({ palette: false });
    else if (s.importDialog) set({ importDialog: false });
    else return false;
    return true;
  },
}));
