// A worker thread of the service host (protocol in service-host.ts), in one of two roles:
// - the writer owns the workspace store and the service: it opens (creates, migrates, builds the demo), answers every
//   call sent to it, and closes the store, so SQLite work never runs on the thread that serves the window, the HTTP
//   API or the video bytes;
// - a reader (service-readers.ts) opens the workspace read-only once the writer has, and answers read methods only,
//   each in one read transaction (one snapshot).
// Both check every call against the API contract with dispatch().
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { Result } from '../../shared/api.ts';
import { buildDemo } from './demo.ts';
import { dispatch } from './dispatch.ts';
import { CotscopeError } from './errors.ts';
import { createService, serviceInternals, type Service } from './service.ts';
import { isReadMethod } from './service-readers.ts';
import { openStore, openStoreReadOnly, type Store } from './store.ts';
import type { HostRequest, HostResponse, HostStartup, WorkerConfig } from './service-host.ts';

const port = parentPort!;
const config = workerData as WorkerConfig;
const send = (m: HostResponse | HostStartup) => port.postMessage(m);

function errorCode(err: unknown): string {
  return err instanceof CotscopeError ? err.code : 'internal';
}

async function open(): Promise<{ store: Store; service: Service }> {
  if (config.role === 'reader') {
    const store = openStoreReadOnly(config.dbFile);
    return { store, service: createService(store, { annotator: config.annotator }) };
  }
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

/** A reader's calls run one after another (the read methods are synchronous; this keeps it so should one await). */
let reads: Promise<unknown> = Promise.resolve();

/** A reader's call: read methods only, inside one read transaction so that all its statements see one snapshot. */
function read(store: Store, service: Service, method: string, input: unknown): Promise<Result<unknown>> {
  if (!isReadMethod(method)) {
    return Promise.resolve({ ok: false, error: { code: 'internal', message: `${method}: not a read; the service host sends it to the writer` } });
  }
  const { db } = store;
  const run = reads.then(async () => {
    db.exec('BEGIN');
    try {
      return await dispatch(service, method, input);
    } finally {
      if (db.inTransaction) db.exec('COMMIT');
    }
  });
  reads = run.catch(() => undefined);
  return run;
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
  const reader = config.role === 'reader';
  send({ type: 'ready', workspace: store.file });

  port.on('message', async (m: HostRequest) => {
    if (m.type === 'close') {
      // A running import is cancelled and rolled back first (no partial run is ever left), then the store closes.
      // Whatever happens here, the host hears back: it must never wait on a worker that failed to close.
      try {
        if (reader) await reads;
        const busy = reader ? null : serviceInternals(service).jobs.busy();
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
        result = reader ? await read(store, service, m.method, m.input) : await dispatch(service, m.method, m.input);
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
