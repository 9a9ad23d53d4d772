// Runs the workspace store and the service on worker threads (service-worker.ts) and talks to them by message, so the
// thread that serves the window, the HTTP API and the video bytes never waits on SQLite. One thread is the writer: it
// owns the workspace (opens, migrates, builds the demo), answers every write and everything stateful, and closes the
// store last. Beside it a small pool of reader threads answers the read methods from read-only connections
// (service-readers.ts), so reads neither queue behind one thread nor wait for a write. Every shell (Electron main,
// browser mode) goes through this host; the API contract is checked inside the threads by dispatch().
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Result } from '../../shared/api.ts';
import { CotscopeError } from './errors.ts';
import type { MediaFile } from './media.ts';
import { DEFAULT_READERS, isReadMethod, startReaderPool, type ReaderPool, type ReaderStatus } from './service-readers.ts';
import { isLost, ServiceThread, type MediaAnswer } from './service-thread.ts';

const BOOTSTRAP = fileURLToPath(new URL('./worker-bootstrap.js', import.meta.url));
const WORKER_MODULE = new URL('./service-worker.ts', import.meta.url).href;

export interface ServiceHostOptions {
  /** Who the annotations are by (default: the service's own default). */
  annotator?: string;
  /** Create the workspace if the file does not exist (default false: a missing file is an error). */
  create?: boolean;
  /** If the file does not exist, build the demo workspace there (Electron's first start). */
  demoIfMissing?: boolean;
  /** A ready-to-run worker script (the Electron bundle's service-worker.mjs). Default: service-worker.ts, through the
   *  TypeScript loader (worker-bootstrap.js). The readers run the same script. */
  workerScript?: string;
  /** The worker module to run through worker-bootstrap.js (file URL). Tests use it to put a stand-in in. */
  workerModule?: string;
  /** Reader threads beside the writer (default DEFAULT_READERS: one per core, at most 4); 0: the writer answers all. */
  readers?: number;
  /** Resolve only once the readers have started (tests and the load bench); by default they start in the background
   *  and the writer answers reads until one is ready. */
  waitForReaders?: boolean;
}

export interface ServiceHost {
  /** The workspace file (absolute). */
  workspace: string;
  /** Calls an API method by name; never rejects: every failure is an error envelope naming the method. */
  call(method: string, input: unknown): Promise<Result<unknown>>;
  /** Where a media id points ({path, root}) or null; rejects with an `internal` error if the service is gone. */
  mediaFile(id: number): Promise<MediaFile | null>;
  /** Closes the readers, then the store (cleanly, on the writer) and stops every thread. Calls after it fail with `internal`. */
  close(): Promise<void>;
}

/** What startServiceHost returns: a ServiceHost that can also say how its readers are. */
export interface PooledServiceHost extends ServiceHost {
  readers(): ReaderStatus;
}

// ---------- the messages between host and worker ----------

export interface WorkerConfig {
  /** For worker-bootstrap.js: the module it imports. */
  module: string;
  dbFile: string;
  /** The writer (default) owns the workspace; a reader opens it read-only and answers read methods only. */
  role?: 'writer' | 'reader';
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

export async function startServiceHost(dbFile: string, opts: ServiceHostOptions = {}): Promise<PooledServiceHost> {
  const config: WorkerConfig = {
    module: opts.workerModule ?? WORKER_MODULE,
    dbFile: path.resolve(dbFile),
    role: 'writer',
    annotator: opts.annotator,
    create: opts.create ?? false,
    demoIfMissing: opts.demoIfMissing ?? false,
  };
  const script = opts.workerScript ?? BOOTSTRAP;
  const writer = await ServiceThread.start(script, config);
  // Readers open the file the writer opened (and created or migrated): only now is it there, at the current schema.
  const size = Math.max(0, Math.floor(opts.readers ?? DEFAULT_READERS));
  const pool: ReaderPool | null = size > 0 ? startReaderPool(size, script, { ...config, dbFile: writer.workspace }) : null;
  // Readers of a writer that stopped (crashed) would keep the file open for nothing: they stop too.
  writer.onGone = () => void pool?.close();
  if (pool && opts.waitForReaders) await pool.started;

  const onWriter = async (method: string, input: unknown): Promise<Result<unknown>> => {
    const r = await writer.call(method, input);
    return isLost(r) ? stopped(method, r.lost) : r;
  };
  const mediaOnWriter = async (id: number): Promise<MediaFile | null> => {
    const a: MediaAnswer = await writer.mediaFile(id);
    if (isLost(a)) throw new CotscopeError(`media: the workspace service stopped (${a.lost})`, 'internal');
    if ('error' in a) throw new CotscopeError(`media: ${a.error}`, 'internal');
    return a.file;
  };
  let closing: Promise<void> | null = null;

  return {
    workspace: writer.workspace,
    call(method, input) {
      if (writer.gone !== null) return Promise.resolve(stopped(method, writer.gone));
      if (pool && isReadMethod(method)) {
        const answered = pool.call(method, input, () => onWriter(method, input));
        if (answered) return answered;
      }
      return onWriter(method, input);
    },
    mediaFile(id) {
      if (writer.gone !== null) return Promise.reject(new CotscopeError(`media: the workspace service stopped (${writer.gone})`, 'internal'));
      return pool?.mediaFile(id, () => mediaOnWriter(id)) ?? mediaOnWriter(id);
    },
    readers: () => pool?.status() ?? { size: 0, ready: 0, restarts: 0, lastFailure: null },
    close() {
      // Readers first: the writer's connection must be the last one open, so that closing it checkpoints the WAL
      // into the database file and removes it (a read-only connection closing last cannot).
      closing ??= (async () => {
        await pool?.close();
        await writer.close();
      })();
      return closing;
    },
  };
}

function stopped(method: string, reason: string): Result<unknown> {
  return { ok: false, error: { code: 'internal', message: `${method}: the workspace service stopped (${reason})` } };
}
