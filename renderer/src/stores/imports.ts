// An import running on the service: start it, poll its progress, cancel it, and refresh the workspace when it ends.
// In browser mode the files the analyst picked are uploaded first, each with its progress, and the import reads the
// uploads.
import type { ImportJob, Input } from '../../../shared/api.ts';
import { shown } from '../api.ts';
import { createStore } from './create-store.ts';
import { useList } from './list.ts';
import { notify } from './notifications.ts';
import { serviceJob, type ServiceJobState } from './service-job.ts';
import { uploadFiles, type UploadProgress } from './uploads.ts';
import { useWorkspace } from './workspace.ts';

interface ImportsState extends ServiceJobState<ImportJob, 'startImport'> {
  /** The files being (or last) uploaded for this import, in browser mode; null when none were. */
  uploads: UploadProgress[] | null;
  uploading: boolean;
  /** Uploads `files`, then starts the import with them ahead of the input's own paths. */
  startWithFiles(input: Input<'startImport'>, files: readonly File[]): Promise<void>;
  /** Stops the uploads under way (the import does not start). */
  cancelUploads(): void;
  /** Forgets the last uploads' progress (the files to import changed). */
  forgetUploads(): void;
}

export const useImports = createStore<ImportsState>('imports', (set, get) => {
  const job = serviceJob(set, get, { start: 'startImport', get: 'getImport', cancel: 'cancelImport', pollMs: 400 }, (job) => {
    void useWorkspace.getState().load();
    if (useList.getState().generation > 0) useList.getState().reload();
    if (job.state === 'done') notify('success', `Import finished: ${job.imported.toLocaleString()} imported, ${job.skippedCount.toLocaleString()} skipped`);
  });
  let abort: AbortController | null = null;
  return {
    ...job,
    uploads: null,
    uploading: false,
    async startWithFiles(input, files) {
      if (get().uploading || get().job?.state === 'running') return;
      if (files.length === 0) return get().start(input);
      const controller = (abort = new AbortController());
      set({ uploading: true, job: null });
      let refs: string[];
      try {
        refs = await uploadFiles(files, (uploads) => set({ uploads }), { signal: controller.signal });
      } catch (e) {
        shown(e);
        return;
      } finally {
        if (abort === controller) abort = null;
        set({ uploading: false });
      }
      // Each upload is read once: the server removes it when the import ends.
      await get().start({ ...input, paths: [...refs, ...input.paths] } as Input<'startImport'>);
    },
    cancelUploads() {
      abort?.abort();
    },
    forgetUploads() {
      if (!get().uploading) set({ uploads: null });
    },
    clear() {
      if (get().uploading) return;
      job.clear();
      if (get().job === null) set({ uploads: null });
    },
  };
});
