// An import running on the service: start it, poll its progress, cancel it, and refresh the workspace when it ends.
import type { ImportJob, Input } from '../../../shared/api.ts';
import { call, shown } from '../api.ts';
import { createStore } from './create-store.ts';
import { useList } from './list.ts';
import { notify } from './notifications.ts';
import { useWorkspace } from './workspace.ts';

interface ImportsState {
  job: ImportJob | null;
  starting: boolean;
  start(input: Input<'startImport'>): Promise<void>;
  cancel(): Promise<void>;
  clear(): void;
}

const POLL_MS = 400;
let timer: ReturnType<typeof setTimeout> | null = null;

export const useImports = createStore<ImportsState>('imports', (set, get) => {
  function finished(job: ImportJob) {
    void useWorkspace.getState().load();
    if (useList.getState().generation > 0) useList.getState().reload();
    if (job.state === 'done') notify('success', `Import finished: ${job.imported.toLocaleString()} imported, ${job.skippedCount.toLocaleString()} skipped`);
  }

  async function poll(id: string) {
    timer = null;
    try {
      const job = await call('getImport', { id });
      if (get().job?.id !== id) return;
      set({ job });
      if (job.state === 'running') timer = setTimeout(() => void poll(id), POLL_MS);
      else finished(job);
    } catch (e) {
      shown(e);
    }
  }

  return {
    job: null,
    starting: false,
    async start(input) {
      if (timer) clearTimeout(timer);
      set({ starting: true });
      try {
        const job = await call('startImport', input);
        set({ job });
        if (job.state === 'running') timer = setTimeout(() => void poll(job.id), POLL_MS);
        else finished(job);
      } catch (e) {
        shown(e);
      } finally {
        set({ starting: false });
      }
    },
    async cancel() {
      const job = get().job;
      if (!job) return;
      try {
        set({ job: await call('cancelImport', { id: job.id }) });
      } catch (e) {
        shown(e);
      }
    },
    clear() {
      if (get().job?.state === 'running') return;
      if (timer) clearTimeout(timer);
      timer = null;
      set({ job: null });
    },
  };
});
