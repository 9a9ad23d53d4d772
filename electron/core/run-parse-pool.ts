// Parses a run file on a worker thread while the caller writes to the store: on two cores the JSON parsing,
// scoring and step splitting overlap with the inserts instead of adding to them.
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { CotscopeError } from './errors.ts';
import type { ParseConfig, ParsedBatch } from './run-records.ts';

const BOOTSTRAP = fileURLToPath(new URL('./worker-bootstrap.js', import.meta.url));
const WORKER_MODULE = new URL('./run-parse-worker.ts', import.meta.url).href;

type Message = { type: 'batch'; batch: ParsedBatch } | { type: 'done' } | { type: 'error'; message: string; code: string };

export async function* parseRunFileOnWorker(config: ParseConfig, signal?: AbortSignal): AsyncGenerator<ParsedBatch> {
  const worker = new Worker(BOOTSTRAP, { workerData: { module: WORKER_MODULE, config } });
  const queue: (Message | { type: 'crash'; error: Error })[] = [];
  let wake: (() => void) | null = null;
  const push = (m: Message | { type: 'crash'; error: Error }) => {
    queue.push(m);
    wake?.();
    wake = null;
  };
  worker.on('message', push);
  worker.on('error', (error) => push({ type: 'crash', error }));
  const onAbort = () => {
    wake?.();
    wake = null;
  };
  signal?.addEventListener('abort', onAbort);
  worker.on('exit', (code) => {
    if (code !== 0) push({ type: 'crash', error: new Error(`the parsing worker stopped with exit code ${code}`) });
  });
  try {
    for (;;) {
      if (signal?.aborted) throw new CotscopeError('cancelled', 'cancelled');
      if (queue.length === 0) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      const m = queue.shift()!;
      if (m.type === 'batch') {
        yield m.batch;
        worker.postMessage({ type: 'ack' });
      } else if (m.type === 'done') return;
      else if (m.type === 'error') throw new CotscopeError(m.message, m.code);
      else throw m.error;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await worker.terminate();
  }
}
