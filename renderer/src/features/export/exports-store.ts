// The export dialog's state: open or not, and the export running on the service (started, polled, cancelled) — the
// same job handling as imports (stores/service-job.ts). In browser mode a finished export is a download, which starts
// by itself; the dialog keeps a link to it (and to its sidecar).
import type { ExportDownload, ExportJob } from '../../../../shared/api.ts';
import { downloadUrl } from '../../api.ts';
import { createStore } from '../../stores/create-store.ts';
import { notify } from '../../stores/notifications.ts';
import { serviceJob, type ServiceJobState } from '../../stores/service-job.ts';

interface ExportsState extends ServiceJobState<ExportJob, 'startExport'> {
  open: boolean;
  show(): void;
  hide(): void;
}

/** Has the browser save a finished export, as a click on its link would (the server sends it as an attachment). */
function download(d: ExportDownload): void {
  const a = document.createElement('a');
  a.href = downloadUrl(d.url);
  a.download = d.name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
}

export const useExports = createStore<ExportsState>('exports', (set, get) => {
  const job = serviceJob(set, get, { start: 'startExport', get: 'getExport', cancel: 'cancelExport', pollMs: 250 }, (j) => {
    if (j.state !== 'done') return;
    if (j.download) {
      download(j.download);
      notify('success', `Export finished: downloading ${j.download.name}`);
    } else notify('success', `Export finished: ${j.message ?? j.out}`);
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
