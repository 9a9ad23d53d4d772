// A stand-in worker for the reader pool's own tests: the writer and the readers speak the host protocol
// (service-host.ts) without a store, each answering with its role, and a reader can be told to crash or exit, or be
// unable to start, which the real readers never do on purpose.
import { parentPort, threadId, workerData } from 'node:worker_threads';
import type { HostRequest, HostResponse, HostStartup, WorkerConfig } from '../../electron/core/service-host.ts';

const port = parentPort!;
const config = workerData as WorkerConfig;
const role = config.role ?? 'writer';
const send = (m: HostResponse | HostStartup) => port.postMessage(m);

if (role === 'reader' && config.dbFile.endsWith('no-readers.db')) {
  send({ type: 'fatal', message: `${config.dbFile}: a reader cannot open it`, code: 'internal' });
  port.close();
} else {
  send({ type: 'ready', workspace: config.dbFile });
  port.on('message', (m: HostRequest) => {
    if (m.type === 'close') {
      send({ type: 'closed' });
      port.close();
    } else if (m.type === 'media') {
      send({ type: 'media', id: m.id, file: { path: `${role}.mp4`, root: `/${role}` } });
    } else if (role === 'reader' && m.method === 'getDashboard') {
      // a reader that crashes while answering
      setTimeout(() => {
        throw new Error('reader boom');
      });
    } else if (role === 'writer' && m.method === 'crash') {
      setTimeout(() => {
        throw new Error('writer boom');
      });
    } else if (role === 'reader' && m.method === 'getAgreement') {
      process.exit(4);
    } else if (m.method === 'listRuns' && (m.input as { slow?: number })?.slow) {
      const until = Date.now() + (m.input as { slow: number }).slow;
      while (Date.now() < until) {
        // busy: this thread answers nothing else meanwhile
      }
      send({ type: 'result', id: m.id, result: { ok: true, value: { role, thread: threadId } } });
    } else {
      send({ type: 'result', id: m.id, result: { ok: true, value: { role, thread: threadId, method: m.method } } });
    }
  });
}
