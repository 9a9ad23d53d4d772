// The foundation's JSONL export (`cotscope export --format jsonl --out FILE`): one line per response with its scoring,
// steps, tags and verdicts. It is now one format of electron/core/export/ (every format walks the same records);
// this module keeps its entry point and record types where the foundation put them.
import type { ResponseFilter } from '../../shared/api.ts';
import { runExport, type ExportResult } from './export/run.ts';
import type { Store } from './store.ts';

export type { ExportedResponse, ExportedTag, ExportedVerdict } from './export/records.ts';

/** Writes every response (or a filter's) as JSONL, with the filter and version in `<out>.meta.json`. */
export function exportJsonl(store: Store, out: string, filter: ResponseFilter = {}): Promise<ExportResult> {
  return runExport(store.db, { format: 'jsonl', out, filter, workspace: store.file, command: 'cotscope export --format jsonl' });
}
