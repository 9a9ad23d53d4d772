// Export jobs: exports started from the app, running in the background while the window polls their progress (as
// import jobs do). A job reads through its own connection to the workspace, in one read transaction: it sees one
// consistent snapshot, and the app's connection stays free to save tags meanwhile. Exports only read, so several
// may run at once, and beside an import (they see what was committed before it). A cancel, a failure, or the
// workspace closing removes what the job wrote: no partial file is left.
import crypto from 'node:crypto';
import path from 'node:path';
import type { ExportJob, ParsedInput } from '../../shared/api.ts';
import { CotscopeError } from './errors.ts';
import { checkDestination } from './export/output.ts';
import { runExport } from './export/run.ts';
import { openStore, type Store } from './store.ts';

export type StartExport = ParsedInput<'startExport'>;

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
    // A typo in the path is an answer to this call, not a failed job a moment later.
    checkDestination(input.out, input.format === 'hf');
    const view: ExportJob = {
      id: crypto.randomUUID(),
      format: input.format,
      state: 'running',
      out: path.resolve(input.out),
      done: 0,
      total: 0,
      rows: 0,
      meta: null,
      message: null,
    };
    const controller = new AbortController();
    const job: Job = { view, controller, done: Promise.resolve() };
    this.jobs.set(view.id, job);
    for (const id of this.jobs.keys()) {
      if (this.jobs.size <= JOBS_KEPT) break;
      if (this.jobs.get(id)!.view.state !== 'running') this.jobs.delete(id);
    }
    job.done = this.run(job, input);
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

  private async run(job: Job, input: StartExport): Promise<void> {
    const { view, controller } = job;
    let jobStore: Store | null = null;
    try {
      // Let start() answer first: the job's first batch runs after this call has returned.
      await new Promise((resolve) => setImmediate(resolve));
      if (!this.store.db.open) controller.abort();
      if (controller.signal.aborted) throw new CotscopeError('cancelled', 'cancelled');
      jobStore = openStore(this.store.file, { create: false });
      const me = this.annotator();
      const r = await runExport(jobStore.db, {
        format: input.format,
        out: input.out,
        filter: input.filter,
        me,
        workspace: this.store.file,
        command: `cotscope app: export dialog (${input.format}) by ${me.name}`,
        license: input.license,
        signal: controller.signal,
        onProgress: (p) => {
          view.done = p.done;
          view.total = p.total;
          // The workspace was closed (switched, or the app quits): stop rather than write on for nobody.
          if (!this.store.db.open) controller.abort();
        },
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
    } finally {
      jobStore?.close();
    }
  }
}
