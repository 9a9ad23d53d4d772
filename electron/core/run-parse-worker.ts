// Worker thread: parses a run file (run-records.ts) and posts the batches to the importer, a few ahead at most.
import { parentPort, workerData } from 'node:worker_threads';
import { CotscopeError } from './errors.ts';
import { parseRunFile, transferList, type ParseConfig } from './run-records.ts';

const MAX_AHEAD = 4;
const port = parentPort!;
let ahead = 0;
let wake: (() => void) | null = null;
port.on('message', (m: { type: 'ack' }) => {
  if (m.type === 'ack') {
    ahead--;
    wake?.();
    wake = null;
  }
});

try {
  for await (const batch of parseRunFile(workerData.config as ParseConfig)) {
    port.postMessage({ type: 'batch', batch }, transferList(batch.rows));
    ahead++;
    while (ahead >= MAX_AHEAD) await new Promise<void>((resolve) => (wake = resolve));
  }
  port.postMessage({ type: 'done' });
} catch (err) {
  port.postMessage({
    type: 'error',
    message: (err as Error).message,
    code: err instanceof CotscopeError ? err.code : 'internal',
  });
}
port.close();
