// Runs the workspace store and the service on a worker thread (service-worker.ts) and talks to it by message, so the
// thread that serves the window, the HTTP API and the video bytes never waits on SQLite. Every shell (Electron main,
// browser mode) goes through this host; the API contract is checked inside the worker by dispatch().
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Result } from '../../shared/api.ts';
import { CotscopeError } from './errors.ts';
import type { MediaFile } from './media.ts';

const BOOTSTRAP = fileURLToPath(new URL('./worker-bootstrap.js', import.meta.url));
const WORKER_MODULE = new URL('./service-worker.ts', import.meta.url).href;
const CLOSE_TIMEOUT_MS = 10_000;

export interface ServiceHostOptions {
  /** Who the annotations are by (default: the service's own default). */
  annotator?: string;
  /** Create the workspace if the file does not exist (default false: a missing file is an error). */
  create?: boolean;
  /** If the file does not exist, build the demo workspace there (Electron's first start). */
  demoIfMissing?: boolean;
  /** A ready-to-run worker script (the Electron bundle's service-worker.mjs). Default: service-worker.ts, through the
   *  TypeScript loader (worker-bootstrap.js). */
  workerScript?: string;
  /** The worker module to run through worker-bootstrap.js (file URL). Tests use it to put a stand-in in. */
  workerModule?: string;
}

export interface ServiceHost {
  /** The workspace file (absolute). */
  workspace: string;
  /** Calls an API method by name; never rejects: every failure is an error envelope naming the method. */
  call(method: string, input: unknown): Promise<Result<unknown>>;
  /** Where a media id points ({path, root}) or null; rejects with an `internal` error if the service is gone. */
  mediaFile(id: number): Promise<MediaFile | null>;
  /** Closes the store (cleanly, on the worker) and stops the worker. Calls after it fail with `internal`. */
  close(): Promise<void>;
}

// ---------- the messages between host and worker ----------

export interface WorkerConfig {
  /** For worker-bootstrap.js: the module it imports. */
  module: string;
  dbFile: string;
  annotator?: string;
  create?: boolean;
  demoIfMissing?: boolean;
}
export type HostRequest =
  | { type: 'call'; id: number; method: string; input: unknown }
  | { type: 'media'; id: number; mediaId: number }
  | { type: 'close' };
export type HostResponse =
  | { type: 'result'; id: number; result: Result<unknown> }
  | { type: 'media'; id: number; file: MediaFile | null; error?: string }
  | { type: 'closed' };
export type HostStartup = { type: 'ready'; workspace: string } | { type: 'fatal'; message: string; code: string };

type Pending =
  | { kind: 'call'; method: string; resolve: (r: Result<unknown>) => void }
  | { kind: 'media'; resolve: (f: MediaFile | null) => void; reject: (e: Error) => void };

export async function startServiceHost(dbFile: string, opts: ServiceHostOptions = {}): Promise<ServiceHost> {
  const config: WorkerConfig = {
    module: opts.workerModule ?? WORKER_MODULE,
    dbFile: path.resolve(dbFile),
    annotator: opts.annotator,
    create: opts.create ?? false,
    demoIfMissing: opts.demoIfMissing ?? false,
  };
  const worker = new Worker(opts.workerScript ?? BOOTSTRAP, { workerData: config });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  /** Why the host can no longer answer (crash, exit or close); null while it runs. */
  let gone: string | null = null;
  let onClosed: (() => void) | null = null;
  let onStartup: ((m: HostStartup | { type: 'crash'; message: string }) => void) | null = null;

  const failAll = (reason: string) => {
    for (const [id, p] of pending) {
      pending.delete(id);
      if (p.kind === 'call') p.resolve(stopped(p.method, reason));
      else p.reject(new CotscopeError(`media: the workspace service stopped (${reason})`, 'internal'));
    }
  };
  const die = (reason: string) => {
    if (gone === null) gone = reason;
    failAll(gone);
    onStartup?.({ type: 'crash', message: reason });
    onClosed?.();
  };

  worker.on('message', (m: HostResponse | HostStartup) => {
    if (m.type === 'ready' || m.type === 'fatal') return onStartup?.(m);
    if (m.type === 'closed') return onClosed?.();
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.type === 'result' && p.kind === 'call') p.resolve(m.result);
    else if (m.type === 'media' && p.kind === 'media') {
      if (m.error) p.reject(new CotscopeError(`media: ${m.error}`, 'internal'));
      else p.resolve(m.file);
    }
  });
  worker.on('error', (err) => die(`crashed: ${err.message}`));
  worker.on('exit', (code) => die(code === 0 ? 'closed' : `exited with code ${code}`));

  const startup = await new Promise<HostStartup | { type: 'crash'; message: string }>((resolve) => (onStartup = resolve));
  onStartup = null;
  if (startup.type !== 'ready') {
    await worker.terminate();
    if (startup.type === 'fatal') throw new CotscopeError(startup.message, startup.code);
    throw new CotscopeError(`the workspace service could not start: ${startup.message}`, 'internal');
  }

  const post = (m: HostRequest) => worker.postMessage(m);
  let closing: Promise<void> | null = null;

  return {
    workspace: startup.workspace,
    call(method, input) {
      if (gone !== null) return Promise.resolve(stopped(method, gone));
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, { kind: 'call', method, resolve });
        try {
          post({ type: 'call', id, method, input });
        } catch (err) {
          // an input that cannot be cloned to the worker (a function, a symbol) is invalid input, not a crash
          pending.delete(id);
          resolve({ ok: false, error: { code: 'invalid_input', message: `${method}: input cannot be sent: ${(err as Error).message}` } });
        }
      });
    },
    mediaFile(mediaId) {
      if (gone !== null) return Promise.reject(new CotscopeError(`media: the workspace service stopped (${gone})`, 'internal'));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { kind: 'media', resolve, reject });
        post({ type: 'media', id, mediaId });
      });
    },
    close() {
      if (closing) return closing;
      closing = (async () => {
        if (gone === null) {
          const closed = new Promise<void>((resolve) => (onClosed = resolve));
          post({ type: 'close' });
          const timer = setTimeout(() => void worker.terminate(), CLOSE_TIMEOUT_MS);
          await closed;
          clearTimeout(timer);
          gone = 'closed';
        }
        failAll('closed');
        await worker.terminate();
      })();
      return closing;
    },
  };
}

function stopped(method: string, reason: string): Result<unknown> {
  return { ok: false, error: { code: 'internal', message: `${method}: the workspace service stopped (${reason})` } };
}
