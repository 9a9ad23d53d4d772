// Import jobs: benchmark and run imports started from the app, running in the background while the window polls
// their progress. A job has its own connection to the workspace and wraps all its files in one transaction, so it is
// all or nothing (several run files under one name included): a failure or a cancel leaves the workspace as it was,
// and until the job ends the app's own connection keeps reading the last committed state, never half an import.
//
// One import at a time per workspace: SQLite has one writer, and the job holds the write lock until it commits.
// While it runs, the service refuses other changes at once (see `busy`) rather than wait for the lock.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ImportJob, ParsedInput } from '../../shared/api.ts';
import { CotscopeError } from './errors.ts';
import { importBenchmark } from './import-benchmark.ts';
import type { ImportProgress, SkippedLine } from './import-report.ts';
import { ImportRefused, importRun } from './import-run.ts';
import { inputFileProblem } from './records.ts';
import { openStore, type Store } from './store.ts';
import { inTransaction } from './util.ts';

export type StartImport = ParsedInput<'startImport'>;

/** Skipped lines a job keeps to show (it counts them all; the workspace keeps them all in import_skips). */
const SKIPS_KEPT = 1000;
/** Finished jobs remembered for getImport. */
const JOBS_KEPT = 50;

interface Job {
  view: ImportJob;
  controller: AbortController;
  done: Promise<void>;
}

/** Workspace file → its running job, for every service in this process. */
const running = new Map<string, Job>();

export class ImportJobs {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly store: Store) {}

  /** The running import of this workspace, if any. */
  busy(): ImportJob | null {
    return running.get(this.store.file)?.view ?? null;
  }

  start(input: StartImport): ImportJob {
    const current = running.get(this.store.file);
    if (current) {
      throw new CotscopeError(
        `an import is already running in this workspace (${describe(current.view)}); wait for it to finish or cancel it`,
        'conflict',
      );
    }
    // What can be checked at once is, so a typo is an answer to this call rather than a failed job a moment later.
    const sizes = input.paths.map((p, i) => {
      const file = inputFileProblem(p);
      if ('problem' in file) throw new CotscopeError(`field \`paths.${i}\`: ${file.problem}: ${path.resolve(p)}`, 'invalid');
      return file.size;
    });
    if (input.kind === 'benchmark' && input.dataRoot !== undefined) {
      let dir = false;
      try {
        dir = fs.statSync(input.dataRoot).isDirectory();
      } catch {
        // reported below
      }
      if (!dir) throw new CotscopeError(`field \`dataRoot\`: no such folder: ${path.resolve(input.dataRoot)}`, 'invalid');
    }

    const view: ImportJob = {
      id: crypto.randomUUID(),
      kind: input.kind,
      state: 'running',
      file: input.paths[0],
      bytesRead: 0,
      bytesTotal: sizes.reduce((a, b) => a + b, 0),
      records: 0,
      imported: 0,
      skippedCount: 0,
      skipped: [],
      message: null,
    };
    const controller = new AbortController();
    const job: Job = { view, controller, done: Promise.resolve() };
    running.set(this.store.file, job);
    this.jobs.set(view.id, job);
    for (const id of this.jobs.keys()) {
      if (this.jobs.size <= JOBS_KEPT) break;
      if (this.jobs.get(id)!.view.state !== 'running') this.jobs.delete(id);
    }
    job.done = this.run(job, input, sizes).finally(() => running.delete(this.store.file));
    return snapshot(view);
  }

  get(id: string): ImportJob {
    return snapshot(this.find(id).view);
  }

  /** Stops a running job and waits until it has rolled back; a finished job is returned as it ended. */
  async cancel(id: string): Promise<ImportJob> {
    const job = this.find(id);
    if (job.view.state === 'running') {
      job.controller.abort();
      await job.done;
    }
    return snapshot(job.view);
  }

  /** Waits for a job to end (tests, and the app when it closes). */
  async settle(id: string): Promise<ImportJob> {
    const job = this.find(id);
    await job.done;
    return snapshot(job.view);
  }

  private find(id: string): Job {
    const job = this.jobs.get(id);
    if (!job) throw new CotscopeError(`no import job ${id}`, 'not_found');
    return job;
  }

  private async run(job: Job, input: StartImport, sizes: number[]): Promise<void> {
    const { view, controller } = job;
    const signal = controller.signal;
    // Progress over all the job's files: the bytes of the files before this one plus this one's.
    const fileIndex = new Map(input.paths.map((p, i) => [p, i]));
    const before = (i: number) => sizes.slice(0, i).reduce((a, b) => a + b, 0);
    // Records read in the files before this one (run files are imported one by one; a benchmark import reports
    // its files in turn), plus this one's so far.
    let recordsBefore = 0;
    let currentFile: string | null = null;
    let currentRecords = 0;
    const onProgress = (p: ImportProgress) => {
      if (p.file !== currentFile) {
        if (input.kind === 'benchmark') recordsBefore += currentRecords;
        currentRecords = 0;
        currentFile = p.file;
      }
      currentRecords = p.records;
      view.file = p.file;
      view.bytesRead = before(fileIndex.get(p.file) ?? 0) + p.bytesRead;
      view.records = Math.max(view.records, recordsBefore + currentRecords);
    };
    const addSkips = (kept: readonly SkippedLine[], count: number) => {
      for (const s of kept) if (view.skipped.length < SKIPS_KEPT) view.skipped.push(s);
      view.skippedCount += count;
    };

    let jobStore: Store | null = null;
    try {
      jobStore = openStore(this.store.file, { create: false });
      const js = jobStore;
      const message = await inTransaction(js.db, async () => {
        let message: string;
        if (input.kind === 'benchmark') {
          const r = await importBenchmark(js, input.paths, {
            dataRoot: input.dataRoot,
            level: input.level,
            strict: input.strict,
            onProgress,
            signal,
          });
          // Under strict, or when a file yields nothing, importBenchmark throws ImportRefused (caught below).
          addSkips(r.skipped.kept, r.skipped.count);
          view.records = r.imported + r.skipped.count; // every record is imported or skipped
          view.imported = r.imported;
          const rs = r.rescored;
          message =
            `imported ${r.imported} sample(s) from ${r.files.length} file(s)` +
            (r.skipped.count ? `; ${r.skipped.count} line(s) skipped` : '') +
            (r.missingCount ? `; ${r.missingCount} video(s) or image(s) missing under ${r.dataRoot}` : '') +
            (rs.samples ? `; rescored ${rs.responses} response(s) of ${rs.samples} sample(s) whose golden answer changed` : '');
        } else {
          let imported = 0;
          let disagreements = 0;
          let created = false;
          for (const file of input.paths) {
            view.file = file;
            const r = await importRun(js, file, {
              name: input.name,
              method: input.method,
              level: input.level,
              idField: input.idField,
              responseField: input.responseField,
              strict: input.strict,
              onProgress,
              signal,
            });
            addSkips(r.skipped.kept, r.skipped.count);
            recordsBefore += r.imported + r.skipped.count;
            currentFile = null;
            view.records = recordsBefore;
            imported += r.imported;
            disagreements += r.scoreDisagreements;
            created ||= r.runCreated;
            view.imported = imported;
          }
          message =
            `imported ${imported} response(s) into ${created ? 'new ' : ''}run "${input.name}" from ${input.paths.length} file(s)` +
            (view.skippedCount ? `; ${view.skippedCount} line(s) skipped` : '') +
            (disagreements ? `; ${disagreements} score disagreement(s) with the files' own verdicts` : '');
        }
        // A cancel that lands after the last record still cancels: nothing is committed.
        if (signal.aborted) throw new CotscopeError('cancelled', 'cancelled');
        return message;
      });
      view.state = 'done';
      view.bytesRead = view.bytesTotal;
      view.message = message;
    } catch (err) {
      if (err instanceof ImportRefused) addSkips(err.skipped.kept, err.skipped.count);
      view.imported = 0;
      if (signal.aborted) {
        view.state = 'cancelled';
        view.message = 'cancelled; nothing was imported';
      } else {
        view.state = 'failed';
        const reason = (err as Error).message;
        view.message = input.paths.length > 1 ? `${reason}; nothing was imported from any of the ${input.paths.length} files` : reason;
      }
    } finally {
      jobStore?.close();
    }
  }
}

function snapshot(job: ImportJob): ImportJob {
  return { ...job, skipped: [...job.skipped] };
}

function describe(job: ImportJob): string {
  return `${job.kind} import of ${job.file ? path.basename(job.file) : 'files'}, job ${job.id}`;
}
