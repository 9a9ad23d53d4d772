// Worker thread of one export job (export-jobs.ts): it opens its own connection to the workspace and runs the export,
// so encoding a Parquet row group or a batch of JSON lines never holds up the service's thread, which answers the
// window (a tag keystroke must still save at once). Messages: in {type:'cancel'}; out progress, then done or error.
import { parentPort, workerData } from 'node:worker_threads';
import { CotscopeError } from './errors.ts';
import { runExport, type ExportOptions } from './export/run.ts';
import { openStore } from './store.ts';

export interface ExportWorkerConfig {
  dbFile: string;
  options: Omit<ExportOptions, 'signal' | 'onProgress'>;
}

export type ExportWorkerMessage =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; responses: number; rows: number; meta: string | null; out: string }
  | { type: 'error'; message: string; code: string };

const port = parentPort!;
const { config } = workerData as { config: ExportWorkerConfig };
const controller = new AbortController();
port.on('message', (m: { type: string }) => {
  if (m.type === 'cancel') controller.abort();
});
const send = (m: ExportWorkerMessage) => port.postMessage(m);

try {
  const store = openStore(config.dbFile, { create: false });
  try {
    const r = await runExport(store.db, {
      ...config.options,
      signal: controller.signal,
      onProgress: (p) => send({ type: 'progress', done: p.done, total: p.total }),
    });
    send({ type: 'done', responses: r.responses, rows: r.rows, meta: r.meta, out: r.out });
  } finally {
    store.close();
  }
} catch (err) {
  send({ type: 'error', message: (err as Error).message, code: err instanceof CotscopeError ? err.code : 'internal' });
}
port.close();
