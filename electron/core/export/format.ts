// What every export format implements. The driver (run.ts) walks the filter's responses and hands each batch to the
// format's writer; the writer writes under a temporary name (a file, or a folder for `hf`) that the driver renames
// into place once `finish` resolves, or removes after `abort`.
import type { ResponseFilter } from '../../../shared/api.ts';
import type { Db } from '../store.ts';
import type { Walked } from './records.ts';

export const EXPORT_FORMATS = ['jsonl', 'csv', 'parquet', 'hf', 'prm', 'pairs'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Formats whose meta record also goes into a `<out>.meta.json` sidecar (they have no place for it inside). */
export const WITH_SIDECAR: ReadonlySet<ExportFormat> = new Set(['jsonl', 'csv', 'prm', 'pairs']);

/** What every export records about itself, so it can be reproduced (sidecar, Parquet metadata or dataset card). */
export interface ExportMeta {
  tool: 'cotscope';
  cotscope_version: string;
  format: ExportFormat;
  created_at: string;
  /** The workspace file it was exported from. */
  workspace: string;
  /** The library filter (shared/api.ts ResponseFilter) that chose the responses. */
  filter: ResponseFilter;
  /** Which tags it holds: `human` (every tag but the automatic checks' suggestions), `suggestion`, or `all`. */
  origin: 'human' | 'suggestion' | 'all';
  /** Whose verdict and review status the filter's `verdict` and `review` refer to. */
  annotator: string | null;
  /** The command line, or how the app started it. */
  command: string;
}

export interface FormatContext {
  db: Db;
  /** The temporary file (or folder, for `hf`) to write. */
  tmp: string;
  meta: ExportMeta;
  /** Options of one format (the dataset licence of `hf`). */
  license?: string;
}

export interface FormatWriter {
  write(batch: Walked[]): Promise<void> | void;
  /** Completes the output; returns the rows (lines, tag rows, pairs) it wrote. */
  finish(responses: number): Promise<number> | number;
  /** Stops after a failure or a cancel, releasing files (the driver deletes them). */
  abort(): void;
}
