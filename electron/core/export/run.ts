// Runs one export: checks the destination, walks the filter's responses in one read transaction (a consistent
// snapshot even while the app goes on saving tags), feeds the format's writer, and renames the result into place
// only when it is complete. A failure or a cancel removes everything it wrote.
import fs from 'node:fs';
import path from 'node:path';
import type { ResponseFilter } from '../../../shared/api.ts';
import { CurrentAnnotator } from '../annotator.ts';
import { CotscopeError } from '../errors.ts';
import { Settings } from '../settings.ts';
import type { Db } from '../store.ts';
import { VERSION } from '../version.ts';
import { csvWriter } from './csv.ts';
import { WITH_SIDECAR, type ExportFormat, type ExportMeta, type FormatContext, type FormatWriter } from './format.ts';
import { hfWriter } from './hf.ts';
import { jsonlWriter } from './jsonl.ts';
import { commit, discard, stage, writeFileAtomic } from './output.ts';
import { pairsWriter } from './pairs.ts';
import { parquetWriter } from './parquet.ts';
import { prmWriter } from './prm.ts';
import { countResponses, walkResponses, type TagOrigin } from './records.ts';

const WRITERS: Record<ExportFormat, (ctx: FormatContext) => FormatWriter> = {
  jsonl: jsonlWriter,
  csv: csvWriter,
  parquet: parquetWriter,
  hf: hfWriter,
  prm: prmWriter,
  pairs: pairsWriter,
};

export interface ExportProgress {
  /** Responses walked so far, of `total`. */
  done: number;
  total: number;
}

export interface ExportOptions {
  format: ExportFormat;
  /** A file, or for `hf` a folder (new, or empty). */
  out: string;
  /** An existing file of that name (and its sidecar) may be replaced (the user said so: a save dialog, `--force`). */
  replace?: boolean;
  filter?: ResponseFilter;
  /** Which tags are written: not the checks' suggestions (`human`, the default), only them, or all. */
  origin?: TagOrigin;
  /** The current annotator (whose verdict and review status the filter means), by id and name. */
  me?: { id: number | null; name: string | null };
  workspace: string;
  /** Recorded in the export: the command line, or how the app started it. */
  command: string;
  /** `hf`: the dataset card's licence (default `other`). */
  license?: string;
  signal?: AbortSignal;
  onProgress?: (p: ExportProgress) => void;
}

export interface ExportResult {
  format: ExportFormat;
  out: string;
  /** Responses the filter chose (all were written). */
  responses: number;
  /** What the format counts: lines (jsonl, prm), rows (csv: one per tag; parquet), pairs. */
  rows: number;
  /** The sidecar with filter and version, for formats with no place for them inside. */
  meta: string | null;
}

export function sidecarPath(out: string): string {
  return `${out}.meta.json`;
}

export async function runExport(db: Db, opts: ExportOptions): Promise<ExportResult> {
  const filter = opts.filter ?? {};
  const sidecar = WITH_SIDECAR.has(opts.format) ? sidecarPath(path.resolve(opts.out)) : null;
  const staged = stage(opts.out, { folder: opts.format === 'hf', replace: opts.replace ?? false, sidecar: sidecar !== null });
  const meta: ExportMeta = {
    tool: 'cotscope',
    cotscope_version: VERSION,
    format: opts.format,
    created_at: new Date().toISOString(),
    workspace: path.resolve(opts.workspace),
    filter,
    origin: opts.origin ?? 'human',
    annotator: opts.me?.name ?? null,
    command: opts.command,
  };
  const own = !db.inTransaction;
  if (own) db.exec('BEGIN');
  let writer: FormatWriter | null = null;
  try {
    writer = WRITERS[opts.format]({ db, tmp: staged.tmp, meta, license: opts.license });
    const me = opts.me?.id ?? null;
    const total = countResponses(db, filter, me);
    let done = 0;
    opts.onProgress?.({ done, total });
    for await (const batch of walkResponses(db, filter, { me, signal: opts.signal, origin: opts.origin })) {
      await writer.write(batch);
      done += batch.length;
      opts.onProgress?.({ done, total: Math.max(total, done) });
    }
    if (opts.signal?.aborted) throw new CotscopeError('cancelled', 'cancelled');
    const rows = await writer.finish(done);
    if (sidecar) {
      const text = JSON.stringify({ ...meta, file: path.basename(staged.out), responses: done, rows }, null, 2) + '\n';
      writeFileAtomic(sidecar, text, staged.replace);
    }
    try {
      commit(staged);
    } catch (err) {
      if (sidecar) fs.rmSync(sidecar, { force: true });
      throw err;
    }
    return { format: opts.format, out: staged.out, responses: done, rows, meta: sidecar };
  } catch (err) {
    writer?.abort();
    discard(staged);
    throw err;
  } finally {
    if (own && db.inTransaction) db.exec('COMMIT');
  }
}

/** The workspace's current annotator (the CLI's, as the app's): whose verdict and review status a filter means. */
export function workspaceAnnotator(db: Db): { id: number | null; name: string } {
  const a = new CurrentAnnotator(db, new Settings(db));
  return { id: a.id(), name: a.name() };
}
