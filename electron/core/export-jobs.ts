// Export jobs: exports started from the app, running in the background while the window polls their progress (as
// import jobs do). A job runs on its own worker thread (export-worker.ts) with its own connection to the workspace,
// in one read transaction: it sees one consistent snapshot, and the service's thread and connection stay free to
// answer the window and save tags meanwhile. Exports only read, so several
// may run at once, and beside an import (they see what was committed before it). A cancel, a failure, or the
// workspace closing removes what the job wrote: no partial file is left.
import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ExportJob, ParsedInput } from '../../shared/api.ts';
import { CotscopeError } from './errors.ts';
import { WITH_SIDECAR } from './export/format.ts';
import { checkDestination } from './export/output.ts';
import type { ExportWorkerConfig, ExportWorkerMessage } from './export-worker.ts';
import type { Store } from './store.ts';

export type StartExport = ParsedInput<'startExport'>;

const BOOTSTRAP = fileURLToPath(new URL('./worker-bootstrap.js', import.meta.url));
const WORKER_MODULE = new URL('./export-worker.ts', import.meta.url).href;

/** Finished jobs remembered for getExport. */
const JOBS_KEPT = 50;

interface Job {
  view: ExportJob;
  controller: AbortController;
  done: Promise<void>;
}

export class ExportJobs {
  private readonly jobs = new Map<string, Job>();

  constructor(
    private readonly store: Store,
    /** The service's current annotator: whose verdict and review status the filter means, recorded in the export. */
    private readonly annotator: () => { id: number | null; name: string },
  ) {}

  start(input: StartExport): ExportJob {
    // The shell chooses where (a path its dialog returned, or its own staging folder): never the page alone.
    if (input.out === undefined) throw new CotscopeError('field `out`: where to write the export is required', 'invalid');
    const out = input.out;
    // A typo in the path is an answer to this call, not a failed job a moment later.
    checkDestination(out, { folder: input.format === 'hf', replace: input.replace, sidecar: WITH_SIDECAR.has(input.format) });
    const view: ExportJob = {
      id: crypto.randomUUID(),
      format: input.format,
      state: 'running',
      out: path.resolve(out),
      done: 0,
      total: 0,
      rows: 0,
      meta: null,
      message: null,
      download: null,
    };
    const controller = new AbortController();
    const job: Job = { view, controller, done: Promise.resolve() };
    this.jobs.set(view.id, job);
    for (const id of this.jobs.keys()) {
      if (this.jobs.size <= JOBS_KEPT) break;
      if (this.jobs.get(id)!.view.state !== 'running') this.jobs.delete(id);
    }
    job.done = this.run(job, input, out);
    return { ...view };
  }

  get(id: string): ExportJob {
    return { ...this.find(id).view };
  }

  /** Stops a running export and waits until its files are removed; a finished job is returned as it ended. */
  async cancel(id: string): Promise<ExportJob> {
    const job = this.find(id);
    if (job.view.state === 'running') {
      job.controller.abort();
      await job.done;
    }
    return { ...job.view };
  }

  /** Waits for a job to end (tests, and the app when it closes). */
  async settle(id: string): Promise<ExportJob> {
    const job = this.find(id);
    await job.done;
    return { ...job.view };
  }

  /** The running jobs (to cancel them when the workspace closes). */
  running(): ExportJob[] {
    return [...this.jobs.values()].filter((j) => j.view.state === 'running').map((j) => ({ ...j.view }));
  }

  private find(id: string): Job {
    const job = this.jobs.get(id);
    if (!job) throw new CotscopeError(`no export job ${id}`, 'not_found');
    return job;
  }

  private async run(job: Job, input: StartExport, out: string): Promise<void> {
    const { view, controller } = job;
    try {
      // Let start() answer first.
      await new Promise((resolve) => setImmediate(resolve));
      if (!this.store.db.open) controller.abort();
      if (controller.signal.aborted) throw new CotscopeError('cancelled', 'cancelled');
      const me = this.annotator();
      const config: ExportWorkerConfig = {
        dbFile: this.store.file,
        options: {
          format: input.format,
          out,
          replace: input.replace,
          filter: input.filter,
          origin: input.origin,
          me,
          workspace: this.store.file,
          command: `cotscope app: export dialog (${input.format}) by ${me.name}`,
          license: input.license,
        },
      };
      const r = await this.onWorker(config, controller, (p) => {
        view.done = p.done;
        view.total = p.total;
      });
      view.state = 'done';
      view.rows = r.rows;
      view.meta = r.meta;
      view.done = r.responses;
      view.total = r.responses;
      view.message =
        `wrote ${r.responses.toLocaleString('en-US')} response(s) to ${r.out}` +
        (input.format === 'csv' ? ` (${r.rows.toLocaleString('en-US')} rows, one per tag)` : '') +
        (input.format === 'pairs' ? ` (${r.rows.toLocaleString('en-US')} preference pairs)` : '');
    } catch (err) {
      if (controller.signal.aborted) {
        view.state = 'cancelled';
        view.message = 'cancelled; nothing was written';
      } else {
        view.state = 'failed';
        view.message = (err as Error).message;
      }
    }
  }

  /**
   * Runs the export on its own worker thread (export-worker.ts), passing a cancel on, and a close of the workspace
   * as a cancel: the worker removes what it wrote before it answers.
   */
  private onWorker(
    config: ExportWorkerConfig,
    controller: AbortController,
    onProgress: (p: { done: number; total: number }) => void,
  ): Promise<Extract<ExportWorkerMessage, { type: 'done' }>> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(BOOTSTRAP, { workerData: { module: WORKER_MODULE, config } });
      let settled = false;
      const cancel = () => worker.postMessage({ type: 'cancel' });
      controller.signal.addEventListener('abort', cancel);
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        controller.signal.removeEventListener('abort', cancel);
        fn();
      };
      worker.on('message', (m: ExportWorkerMessage) => {
        if (m.type === 'progress') {
          onProgress(m);
          // The workspace was closed (switched, or the app quits): stop rather than write on for nobody.
          if (!this.store.db.open) controller.abort();
        } else if (m.type === 'done') finish(() => resolve(m));
        else finish(() => reject(new CotscopeError(m.message, m.code)));
      });
      worker.on('error', (err) => finish(() => reject(err)));
      worker.on('exit', (code) => finish(() => reject(new CotscopeError(`the export stopped (worker exit code ${code})`, 'internal'))));
    });
  }
}
