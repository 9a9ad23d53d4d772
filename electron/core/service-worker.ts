// Worker thread of the service host: owns the workspace store and the service, so SQLite work never runs on the
// thread that serves the window, the HTTP API or the video bytes. Protocol in service-host.ts.
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { buildDemo } from './demo.ts';
import { dispatch } from './dispatch.ts';
import { CotscopeError } from './errors.ts';
import { createService, serviceInternals, type Service } from './service.ts';
import { openStore, type Store } from './store.ts';
import type { HostRequest, HostResponse, HostStartup, WorkerConfig } from './service-host.ts';

const port = parentPort!;
const config = workerData as WorkerConfig;
const send = (m: HostResponse | HostStartup) => port.postMessage(m);

function errorCode(err: unknown): string {
  return err instanceof CotscopeError ? err.code : 'internal';
}

async function open(): Promise<{ store: Store; service: Service }> {
  const isNew = !fs.existsSync(config.dbFile);
  if (isNew && config.demoIfMissing) {
    const store = openStore(config.dbFile, { create: true });
    try {
      await buildDemo(store);
    } catch (err) {
      store.close();
      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(config.dbFile + suffix, { force: true });
      throw err;
    }
    return { store, service: createService(store, { annotator: config.annotator }) };
  }
  const store = openStore(config.dbFile, { create: config.create ?? false });
  return { store, service: createService(store, { annotator: config.annotator }) };
}

async function main(): Promise<void> {
  let opened: { store: Store; service: Service };
  try {
    opened = await open();
  } catch (err) {
    send({ type: 'fatal', message: (err as Error).message, code: errorCode(err) });
    port.close();
    return;
  }
  const { store, service } = opened;
  send({ type: 'ready', workspace: store.file });

  port.on('message', async (m: HostRequest) => {
    if (m.type === 'close') {
      // A running import is cancelled and rolled back first (no partial run is ever left), then the store closes.
      // Whatever happens here, the host hears back: it must never wait on a worker that failed to close.
      try {
        const busy = serviceInternals(service).jobs.busy();
        if (busy) await service.cancelImport({ id: busy.id });
      } catch {
        // the store is closed below regardless
      }
      try {
        store.close();
      } finally {
        send({ type: 'closed' });
        port.close();
      }
      return;
    }
    if (m.type === 'call') {
      let result;
      try {
        result = await dispatch(service, m.method, m.input);
      } catch (err) {
        // dispatch wraps errors itself; this is the last line of defence for a bug in it.
        result = { ok: false as const, error: { code: 'internal' as const, message: `${m.method}: ${(err as Error).message}` } };
      }
      try {
        send({ type: 'result', id: m.id, result });
      } catch (err) {
        // a value that cannot cross threads (structured clone) is a bug in the service; say so rather than hang
        send({ type: 'result', id: m.id, result: { ok: false, error: { code: 'internal', message: `${m.method}: ${(err as Error).message}` } } });
      }
      return;
    }
    if (m.type === 'media') {
      try {
        send({ type: 'media', id: m.id, file: service.mediaFile(m.mediaId) });
      } catch (err) {
        send({ type: 'media', id: m.id, file: null, error: (err as Error).message });
      }
    }
  });
}

void main();
