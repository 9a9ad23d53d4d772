// A stand-in worker for the service host's own tests: speaks the host protocol (service-host.ts) without a store,
// and can be told to crash, exit or hang, which the real service never does on purpose.
import { parentPort, workerData } from 'node:worker_threads';
import type { HostRequest, HostResponse, HostStartup, WorkerConfig } from '../../electron/core/service-host.ts';

const port = parentPort!;
const config = workerData as WorkerConfig;
const send = (m: HostResponse | HostStartup) => port.postMessage(m);

if (config.dbFile.endsWith('fatal.db')) {
  send({ type: 'fatal', message: `${config.dbFile}: no such workspace`, code: 'not_found' });
  port.close();
} else {
  send({ type: 'ready', workspace: config.dbFile });
  port.on('message', (m: HostRequest) => {
    if (m.type === 'close') {
      send({ type: 'closed' });
      port.close();
    } else if (m.type === 'media' && m.mediaId === 99) {
      // never answers
    } else if (m.type === 'media') {
      send({ type: 'media', id: m.id, file: m.mediaId === 1 ? { path: 'videos/a.mp4', root: '/data' } : null });
    } else if (m.method === 'crash') {
      setTimeout(() => {
        throw new Error('boom');
      });
    } else if (m.method === 'exit') {
      process.exit(3);
    } else if (m.method === 'hang') {
      // never answers
    } else {
      send({ type: 'result', id: m.id, result: { ok: true, value: { method: m.method, input: m.input } } });
    }
  });
}
