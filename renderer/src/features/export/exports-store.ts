// The export dialog's state: open or not, and the export running on the service (started, polled, cancelled) — the
// same job handling as imports (stores/service-job.ts).
import type { ExportJob } from '../../../../shared/api.ts';
import { createStore } from '../../stores/create-store.ts';
import { notify } from '../../stores/notifications.ts';
import { serviceJob, type ServiceJobState } from '../../stores/service-job.ts';

interface ExportsState extends ServiceJobState<ExportJob, 'startExport'> {
  open: boolean;
  show(): void;
  hide(): void;
}

export const useExports = createStore<ExportsState>('exports', (set, get) => {
  const job = serviceJob(set, get, { start: 'startExport', get: 'getExport', cancel: 'cancelExport', pollMs: 250 }, (j) => {
    if (j.state === 'done') notify('success', `Export finished: ${j.message ?? j.out}`);
  });
  return {
    ...job,
    open: false,
    show() {
      set({ open: true });
    },
    hide() {
      // A running export goes on (its progress is there when the dialog opens again); a finished one is forgotten.
      job.clear();
      set({ open: false });
    },
  };
});
