// Worker thread: parses a run file (run-records.ts) and posts the batches to the importer, up to MAX_AHEAD ahead.
import { parentPort, workerData } from 'node:worker_threads';
import { CotscopeError } from './errors.ts';
import { parseRunFile, transferList, type ParseConfig } from './run-records.ts';

/**
 * Batches (one per MiB of the file read) parsed ahead of the importer. The importer stops taking batches for a second
 * or so each time it adds 64 MiB of chains to the full-text index; with room for ~32 MiB of the file the parser keeps
 * working meanwhile instead of waiting, and the importer finds the next batches ready (at 4, it waited ~3 s of a
 * million-response import for the parser). Memory: ~32 MiB of parsed text at most.
 */
const MAX_AHEAD = 32;
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
