// Imports a model's outputs (a "run") from SEED-Bench-R1 infer.py JSONL, GRPO-CARE / Video-R1 JSON, or any JSONL/JSON
// with named id and response fields. Streaming, all-or-nothing: the whole file goes in one transaction.
import crypto from 'node:crypto';
import path from 'node:path';
import { levelFromFileName, type Level, type Method } from '../../shared/types.ts';
import { RunSampleCounts } from './compare.ts';
import { CotscopeError } from './errors.ts';
import { ImportRefused, SkipLog, type ImportProgress } from './import-report.ts';
import { checkInputFile, sniffShape } from './records.ts';
import { parseRunFileOnWorker } from './run-parse-pool.ts';
import {
  Int,
  NO_THINK,
  Outcome,
  parseRunFile,
  predictionOf,
  ROW_INTS,
  type ParseConfig,
  type RunFormat,
  type SampleEntry,
} from './run-records.ts';
import { nowIso, withRollbackJournal, type Store } from './store.ts';
import { selectChecks, SuggestionWriter } from './suggestions.ts';
import { fileSha256, inTransaction } from './util.ts';

export { ImportRefused } from './import-report.ts';

export interface ImportRunOptions {
  name: string;
  method: Method;
  level?: Level;
  idField?: string;
  responseField?: string;
  strict?: boolean;
  /** Run the automatic checks on each response (default true; `--no-checks`). */
  checks?: boolean;
  /** Parse on a worker thread (default: for files of 4 MiB and more). */
  parallel?: boolean;
  onProgress?: (p: ImportProgress) => void;
  signal?: AbortSignal;
  /** Filled with where the import's time went (the benchmark prints it). */
  timings?: ImportTimings;
  /**
   * Build DEFERRED_INDEXES once at the end of the import instead of row by row (default: when the file is large and
   * likely holds at least as many responses as the workspace has; see indexesToDefer).
   */
  deferIndexes?: boolean;
  /**
   * The caller's connection is the workspace's only one for the whole import (the CLI's): the import then writes
   * through a rollback journal instead of the WAL (store.ts withRollbackJournal) and skips the per-row foreign-key
   * lookups, whose targets (this run, this import, the samples it matched) it made or read itself.
   */
  exclusive?: boolean;
}

/** Milliseconds on the importing thread, by phase. */
export interface ImportTimings {
  /** Hashing the file before the import (only when adding to an existing run: the duplicate check needs it first). */
  hash: number;
  /** Waiting for the parser (reading, JSON, scoring, steps) to hand over the next batch. */
  parse_wait: number;
  /** Inserting responses with their indexes, skips and per-question counts. */
  insert: number;
  /** Adding the batches' chains to the full-text index. */
  search_index: number;
  /**
   * COMMIT: in WAL mode including the checkpoint that copies the transaction from the WAL into the database file; for
   * an exclusive import (rollback journal), the sync of the database file and the return to WAL mode.
   */
  commit: number;
  /** Building the deferred indexes at the end (0 when they were kept up row by row). */
  deferred_indexes: number;
}


export interface ImportRunResult {
  run: string;
  runCreated: boolean;
  file: string;
  format: RunFormat;
  level: Level | null;
  imported: number;
  skipped: SkipLog;
  /** Responses whose scoring by cotscope differs from the file's own reward/correct. */
  scoreDisagreements: number;
  /** Suggestions the automatic checks made on the imported responses (0 with `checks: false`). */
  suggestions: number;
}

/** Chain text gathered before it goes into the full-text index (about what FTS5's 64 MiB buffer holds). */
const INDEX_EVERY_CHARS = 64 << 20;

/** Files from this size on are parsed on a worker thread (starting one costs more than parsing a small file). */
const PARALLEL_FROM_BYTES = 4 << 20;

/**
 * Indexes of responses led by a column that scatters a run's rows over the whole index (step count; the question):
 * kept up row by row, each response lands on a page of its own. At 1M responses the two of migration 0008 cost ~5 s
 * of the insert (16 s against 11 s without them), and the list's (0002) another ~3-5 s; built at the end from a
 * sort, the three take ~3 s. Dropped and made again inside the import's transaction, from their own CREATE statements
 * in sqlite_master, so a failed or cancelled import rolls back with them in place. (The unique (sample, run, rollout)
 * key is led by the question too, but it is the table's own constraint and stays.)
 */
export const DEFERRED_INDEXES = ['responses_steps', 'responses_predictions', 'responses_list'] as const;

/**
 * FTS5 merges the segments it writes as they accumulate (`automerge`, 4 a level by default): over a million-response
 * import that rewrites the growing index again and again, ~3 s of its ~11 s of indexing. A large import turns
 * automerging off for its own writes (FTS5 still merges when a level reaches `crisismerge`, 16 segments) and puts
 * the workspace's setting back before it commits; later writes merge as usual. A search then reads a few more
 * segments, which the benchmark's text-search page times.
 */
const FTS_AUTOMERGE_DEFAULT = 4;

/** Bytes a response takes in a run file at least (a short infer.py line): a file's size over it bounds its responses. */
const MIN_BYTES_PER_RESPONSE = 1024;
/** Below this many responses in the file, building the indexes at the end does not pay (nor does it matter). */
const DEFER_FROM_RESPONSES = 100_000;

/**
 * The deferred indexes to build at the end of this import, with their CREATE statements (none in a workspace of an
 * older schema, as the migration tests build). By default only when the file may hold about as many responses as the
 * workspace has already: building them sorts every response of the workspace.
 */
function indexesToDefer(db: Store['db'], fileBytes: number, wanted: boolean | undefined): { name: string; sql: string }[] {
  const upTo = fileBytes / MIN_BYTES_PER_RESPONSE;
  const defer = wanted ?? (upTo >= DEFER_FROM_RESPONSES && upTo >= (db.prepare('SELECT count(*) FROM responses').pluck().get() as number));
  if (!defer) return [];
  const indexSql = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?").pluck();
  return DEFERRED_INDEXES.flatMap((name) => {
    const sql = indexSql.get(name) as string | undefined;
    return sql === undefined ? [] : [{ name, sql }];
  });
}

export async function importRun(store: Store, file: string, opts: ImportRunOptions): Promise<ImportRunResult> {
  const { db } = store;
  const abs = path.resolve(file);
  const bytes = checkInputFile(file);
  if (!opts.name.trim()) throw new CotscopeError('--name must not be empty');

  const existingRun = db.prepare('SELECT id, method FROM runs WHERE name = ?').get(opts.name) as
    | { id: number; method: string }
    | undefined;
  if (existingRun && existingRun.method !== opts.method) {
    throw new CotscopeError(
      `run "${opts.name}" already exists with method ${existingRun.method}; import with --method ${existingRun.method} ` +
        'to add to it, or choose another --name',
    );
  }
  const timings: ImportTimings = Object.assign(opts.timings ?? {}, { hash: 0, parse_wait: 0, insert: 0, search_index: 0, commit: 0, deferred_indexes: 0 });
  // Adding to an existing run needs the hash before anything else (a file imported twice is refused up front); a new
  // run has no files to compare with, so its hash is taken while the file is parsed instead of in a pass of its own.
  let sha256: string | null = null;
  if (existingRun) {
    const t = performance.now();
    sha256 = await fileSha256(abs);
    timings.hash = performance.now() - t;
    const dup = db
      .prepare("SELECT path, imported_at FROM imports WHERE kind = 'run' AND run_id = ? AND sha256 = ?")
      .get(existingRun.id, sha256) as { path: string; imported_at: string } | undefined;
    if (dup) {
      throw new CotscopeError(
        `${file}: this file (sha256 ${sha256.slice(0, 12)}…) was already imported into run "${opts.name}" ` +
          `from ${dup.path} at ${dup.imported_at}; nothing imported`,
        'duplicate',
      );
    }
  }

  const fileLevel = opts.level ?? levelFromFileName(path.basename(abs));
  const checks = opts.checks === false ? [] : selectChecks();
  const idField = opts.idField ?? 'sample_id';
  const now = nowIso();

  const insertRun = db.prepare('INSERT INTO runs (name, method, created_at) VALUES (?, ?, ?)');
  const insertImport = db.prepare(`
    INSERT INTO imports (kind, run_id, path, sha256, bytes, format, level, options, imported_at)
    VALUES ('run', ?, ?, ?, ?, ?, ?, ?, ?)`);
  const finishImport = db.prepare('UPDATE imports SET format = ?, imported = ?, skipped = ?, sha256 = ? WHERE id = ?');
  const insertSkip = db.prepare('INSERT INTO import_skips (import_id, line, field, reason) VALUES (?, ?, ?, ?)');
  const insertResponse = db.prepare(`
    INSERT INTO responses (run_id, sample_id, import_id, source_line, rollout, raw, think_start, think_end, answer_text,
      prediction, correct, format_ok, file_reward, file_correct, score_disagreement, steps, step_count)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  // Chains go into the full-text index many at a time, by one statement that reads them from the rows just written:
  // cheaper than a statement per response that binds (and converts to UTF-8) each chain a second time. Not every
  // batch, though: FTS5 writes out its in-memory buffer at every statement that adds several rows, and many small
  // segments cost more to merge than the statements save.
  const indexChains = db.prepare('INSERT INTO responses_fts (rowid, raw) SELECT id, raw FROM responses WHERE id BETWEEN ? AND ?');

  const skipped = new SkipLog();
  let imported = 0;
  let disagreements = 0;
  let format: RunFormat | null = null;
  let records = 0;
  let runCreated = false;
  let suggested = 0;

  const deferred = indexesToDefer(db, bytes, opts.deferIndexes);

  const work = async () => {
    for (const ix of deferred) db.exec(`DROP INDEX ${ix.name}`);
    const automerge = deferred.length ? ftsAutomerge(db) : null;
    if (automerge !== null) setFtsAutomerge(db, 0);
    let runId: number;
    if (existingRun) runId = existingRun.id;
    else {
      runId = Number(insertRun.run(opts.name, opts.method, now).lastInsertRowid);
      runCreated = true;
    }
    const importId = Number(
      insertImport.run(runId, abs, sha256 ?? `pending:${crypto.randomUUID()}`, bytes, 'generic', fileLevel,
        JSON.stringify({ level: opts.level ?? null, idField, responseField: opts.responseField ?? null }), now)
        .lastInsertRowid,
    );
    const nextRollout = loadRollouts(store, runId);
    // Responses inserted but not yet in the full-text index: ids unindexed…last (consecutive, as this connection is
    // the store's one writer and holds the transaction).
    let unindexed = 0;
    let last = 0;
    let unindexedChars = 0;
    const indexPending = () => {
      if (unindexed) indexChains.run(unindexed, last);
      unindexed = 0;
      unindexedChars = 0;
    };
    const counts = new RunSampleCounts(db, runId); // the compare matrix's per-question counts (migration 0004)
    const suggestions = checks.length ? new SuggestionWriter(db) : null; // a pre-version-9 workspace has none (tests)
    const skip = (line: number, field: string | null, reason: string) => {
      skipped.add({ file, line, field, reason });
      insertSkip.run(importId, line, field, reason);
    };

    const config: ParseConfig = {
      file: abs,
      displayName: file,
      shape: sniffShape(abs),
      idField,
      responseField: opts.responseField ?? null,
      level: fileLevel,
      samples: loadSamples(store, checks.length > 0),
      hash: sha256 === null,
      checks: checks.map((c) => c.name),
    };
    const levelOf = new Map(checks.length ? config.samples.map((e) => [e[2], e[0]]) : []);
    const parallel = opts.parallel ?? bytes >= PARALLEL_FROM_BYTES;
    const batches = parallel ? parseRunFileOnWorker(config, opts.signal) : parseRunFile(config, opts.signal);
    let t = performance.now();
    for await (const batch of batches) {
      const received = performance.now();
      timings.parse_wait += received - t;
      if (opts.signal?.aborted) throw new CotscopeError('cancelled', 'cancelled');
      format = batch.format;
      records += batch.records;
      if (batch.sha256) sha256 = batch.sha256;
      for (const s of batch.skips) skip(s.line, s.field, s.reason);
      const { raw, answer, steps, ints, reward, suggestions: found } = batch.rows;
      for (let i = 0; i < batch.rows.count; i++) {
        const o = i * ROW_INTS;
        const sampleDbId = ints[o + Int.sampleDbId];
        const outcome = ints[o + Int.outcome];
        const rollout = nextRollout.get(sampleDbId) ?? 0;
        nextRollout.set(sampleDbId, rollout + 1);
        const thinkStart = ints[o + Int.thinkStart];
        const prediction = predictionOf(outcome);
        const correct = outcome & Outcome.correct;
        last = Number(insertResponse.run(runId, sampleDbId, importId, ints[o + Int.line], rollout, raw[i],
          thinkStart === NO_THINK ? null : thinkStart, thinkStart === NO_THINK ? null : ints[o + Int.thinkEnd],
          answer[i], prediction, correct, outcome & Outcome.formatOk ? 1 : 0, Number.isNaN(reward[i]) ? null : reward[i],
          outcome & Outcome.fileCorrectKnown ? (outcome & Outcome.fileCorrect ? 1 : 0) : null,
          outcome & Outcome.disagree ? 1 : 0, steps[i], ints[o + Int.stepCount]).lastInsertRowid);
        unindexed ||= last;
        unindexedChars += raw[i].length;
        const proposed = found[i];
        if (proposed) suggestions!.addNew(last, runId, levelOf.get(sampleDbId)!, proposed, now);
        counts.add(sampleDbId, correct === 1, prediction);
        if (outcome & Outcome.disagree) disagreements++;
      }
      const inserted = performance.now();
      timings.insert += inserted - received;
      if (unindexedChars >= INDEX_EVERY_CHARS) indexPending();
      t = performance.now();
      timings.search_index += t - inserted;
      imported += batch.rows.count;
      if (batch.progress) opts.onProgress?.({ file, ...batch.progress, records });
    }
    if (opts.strict && skipped.count > 0) {
      throw new CotscopeError(
        `${file}: ${skipped.count} line(s) would be skipped; nothing imported (--strict)`,
        'strict',
      );
    }
    if (imported === 0) {
      throw new CotscopeError(
        skipped.count > 0
          ? `${file}: no valid responses (${skipped.count} line(s) skipped); nothing imported`
          : `${file}: no records found; nothing imported`,
        'empty',
      );
    }
    t = performance.now();
    indexPending();
    timings.search_index += performance.now() - t;
    counts.write();
    if (suggestions) {
      suggestions.recordImport(runId, checks, imported, runCreated, now);
      suggested = suggestions.written;
    }
    if (automerge !== null) setFtsAutomerge(db, automerge);
    if (deferred.length) {
      t = performance.now();
      for (const ix of deferred) db.exec(ix.sql);
      timings.deferred_indexes = performance.now() - t;
    }
    if (sha256 === null) throw new CotscopeError(`${file}: the parser did not report the file's sha256`, 'internal');
    finishImport.run(format ?? 'generic', imported, skipped.count, sha256, importId);
    committing = performance.now();
  };

  let committing = 0;
  const transaction = () => inTransaction(db, work);
  try {
    if (opts.exclusive && !db.inTransaction) {
      // foreign_keys is a no-op inside a transaction: it is turned off before and back on after.
      db.pragma('foreign_keys = OFF');
      try {
        await withRollbackJournal(db, transaction);
      } finally {
        db.pragma('foreign_keys = ON');
      }
    } else await transaction();
    timings.commit = performance.now() - committing;
  } catch (err) {
    if (err instanceof CotscopeError && (err.code === 'strict' || err.code === 'empty')) {
      throw new ImportRefused(err.message, err.code as 'strict' | 'empty', skipped);
    }
    throw err;
  }
  return {
    run: opts.name,
    runCreated,
    file,
    format: format ?? 'generic',
    level: fileLevel,
    imported,
    skipped,
    scoreDisagreements: disagreements,
    suggestions: suggested,
  };
}

/** The full-text index's automerge setting (FTS5 keeps it in its config table once set; absent, the default). */
function ftsAutomerge(db: Store['db']): number {
  const v = db.prepare("SELECT v FROM responses_fts_config WHERE k = 'automerge'").pluck().get();
  return typeof v === 'number' ? v : FTS_AUTOMERGE_DEFAULT;
}

function setFtsAutomerge(db: Store['db'], value: number): void {
  // FTS5 takes the value only as an SQL integer (a bound JS number arrives as a real and is refused).
  db.prepare("INSERT INTO responses_fts (responses_fts, rank) VALUES ('automerge', ?)").run(BigInt(Math.trunc(value)));
}

/** Every sample, as the parser matches run records against them. */
function loadSamples(store: Store, forChecks: boolean): SampleEntry[] {
  return store.db
    .prepare(
      `SELECT level, sample_id, id, golden, choice_a, choice_b, choice_c, choice_d
              ${forChecks ? ', question, task_goal, task_progress, current_observation_frame' : ''} FROM samples`,
    )
    .raw()
    .all() as SampleEntry[];
}

/** Next rollout number per sample for a run built from several files. */
function loadRollouts(store: Store, runId: number): Map<number, number> {
  const next = new Map<number, number>();
  const rows = store.db
    .prepare('SELECT sample_id, MAX(rollout) AS top FROM responses WHERE run_id = ? GROUP BY sample_id')
    .all(runId) as { sample_id: number; top: number }[];
  for (const r of rows) next.set(r.sample_id, r.top + 1);
  return next;
}
