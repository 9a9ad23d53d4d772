// The export dialog's state: open or not, and the export running on the service (started, polled, cancelled), as the
// import dialog's store does for imports.
import type { ExportJob, Input } from '../../../../shared/api.ts';
import { call, shown } from '../../api.ts';
import { createStore } from '../../stores/create-store.ts';
import { notify } from '../../stores/notifications.ts';

interface ExportsState {
  open: boolean;
  job: ExportJob | null;
  starting: boolean;
  show(): void;
  hide(): void;
  start(input: Input<'startExport'>): Promise<void>;
  cancel(): Promise<void>;
}

const POLL_MS = 250;
let timer: ReturnType<typeof setTimeout> | null = null;

export const useExports = createStore<ExportsState>('exports', (set, get) => {
  async function poll(id: string) {
    timer = null;
    try {
      const job = await call('getExport', { id });
      if (get().job?.id !== id) return;
      set({ job });
      if (job.state === 'running') timer = setTimeout(() => void poll(id), POLL_MS);
      else if (job.state === 'done') notify('success', `Export finished: ${job.message ?? job.out}`);
    } catch (e) {
      shown(e);
    }
  }

  return {
    open: false,
    job: null,
    starting: false,
    show() {
      set({ open: true });
    },
    hide() {
      // A running export goes on (its progress is there when the dialog opens again); a finished one is forgotten.
      if (get().job?.state !== 'running') {
        if (timer) clearTimeout(timer);
        timer = null;
        set({ job: null });
      }
      set({ open: false });
    },
    async start(input) {
      if (timer) clearTimeout(timer);
      set({ starting: true, job: null });
      try {
        const job = await call('startExport', input);
        set({ job });
        if (job.state === 'running') timer = setTimeout(() => void poll(job.id), POLL_MS);
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
        set({ job: await call('cancelExport', { id: job.id }) });
      } catch (e) {
        shown(e);
      }
    },
  };
});
