import { useEffect, useRef } from 'react';
import type { ResponseRow } from '../../../../shared/api.ts';
import { useHotkeys } from '../../hotkeys.ts';
import { listKey, useFilters } from '../../stores/filters.ts';
import { rowAt, useList } from '../../stores/list.ts';
import { useRoute } from '../../stores/route.ts';
import { useWorkbench } from '../../stores/workbench.ts';
import { ExportDialog } from '../export/ExportDialog.tsx';
import { useExports } from '../export/exports-store.ts';
import { FilterPanel } from './FilterPanel.tsx';
import { ResponseList } from './ResponseList.tsx';

function open(row: ResponseRow, index: number) {
  useList.getState().setCursor(index);
  useWorkbench.setState({ listIndex: index });
  useRoute.getState().openResponse(row.id);
}

export function LibraryView() {
  const total = useList((s) => s.total);
  const loading = useList((s) => s.loading.size > 0);
  const filter = useFilters((s) => s.filter);
  const searchRef = useRef<HTMLInputElement>(null);
  const exporting = useExports((s) => s.open);

  // First visit, or the filter changed while away: load. Coming back after annotating: refresh what is held.
  useEffect(() => {
    const { filter: f, sort, order } = useFilters.getState();
    const list = useList.getState();
    if (list.generation === 0 || list.key !== listKey(f, sort, order)) list.reload();
    else list.refresh();
  }, []);

  useHotkeys('library', {
    listDown: () => useList.getState().setCursor(useList.getState().cursor + 1),
    listUp: () => useList.getState().setCursor(useList.getState().cursor - 1),
    listTop: () => useList.getState().setCursor(0),
    listBottom: () => useList.getState().setCursor((useList.getState().total ?? 1) - 1),
    listOpen: () => {
      const { pages, cursor } = useList.getState();
      const row = rowAt(pages, cursor);
      if (!row) return false;
      open(row, cursor);
    },
    listSearch: () => searchRef.current?.focus(),
    listExport: () => useExports.getState().show(),
  });

  return (
    <div className="library">
      <FilterPanel searchRef={searchRef} />
      <section className="library-main">
        <div className="list-toolbar">
          <span className="list-total" data-testid="list-total">
            {total === null ? 'Loading…' : `${total.toLocaleString()} response${total === 1 ? '' : 's'}`}
          </span>
          {filter.text && <span className="muted small">matching “{filter.text}”</span>}
          {loading && <span className="spinner" aria-label="loading" />}
          <span className="header-spacer" />
          <button className="btn btn-small" onClick={() => useExports.getState().show()} disabled={total === 0} data-testid="library-export" title="Export this list (jsonl, csv, parquet, hf, prm, pairs)">
            Export…
          </button>
          <span className="muted small">
            <kbd className="kbd">J</kbd>/<kbd className="kbd">K</kbd> move · <kbd className="kbd">Enter</kbd> open · <kbd className="kbd">?</kbd> all hotkeys
          </span>
        </div>
        <ResponseList onOpen={open} />
      </section>
      {exporting && <ExportDialog />}
    </div>
  );
}
