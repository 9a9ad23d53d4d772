// An import running on the service: start it, poll its progress, cancel it, and refresh the workspace when it ends.
import type { ImportJob } from '../../../shared/api.ts';
import { createStore } from './create-store.ts';
import { useList } from './list.ts';
import { notify } from './notifications.ts';
import { serviceJob, type ServiceJobState } from './service-job.ts';
import { useWorkspace } from './workspace.ts';

type ImportsState = ServiceJobState<ImportJob, 'startImport'>;

export const useImports = createStore<ImportsState>('imports', (set, get) =>
  serviceJob(set, get, { start: 'startImport', get: 'getImport', cancel: 'cancelImport', pollMs: 400 }, (job) => {
    void useWorkspace.getState().load();
    if (useList.getState().generation > 0) useList.getState().reload();
    if (job.state === 'done') notify('success', `Import finished: ${job.imported.toLocaleString()} imported, ${job.skippedCount.toLocaleString()} skipped`);
  }),
);
