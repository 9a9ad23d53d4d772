// Many readers, one writer (Signal-Desktop's MainSQL): the service host's pool of reader threads, each with its own
// read-only connection to the workspace (store.ts openStoreReadOnly) and its own service, answering the read methods
// of the API, so that twenty clients paging through the library do not queue behind one thread, and a slow save,
// pack merge or data-root check on the writer does not hold up a list.
//
// Why a read may go to another connection: every write is committed on the writer before its answer leaves the
// writer, and in WAL mode a reader's statement sees everything committed before it began. So a read sent after a
// write's answer came back sees that write (read-your-writes). A read sent while a write is still under way may or may
// not see it: two requests in flight over HTTP were never ordered, and the app's stores wait for a save's answer
// before they read again. Each read runs in one read transaction, so its page and its total come from one snapshot
// even while an import commits.
//
// Readers start in the background once the writer has opened (and migrated) the workspace; until one is ready, and
// whenever none is (a reader crashed and is starting again, or could not start at all), the writer answers reads as
// it always did. A call a crashed reader was answering is sent to the writer: reads have no effects, so sending one
// twice is safe.
import os from 'node:os';
import type { Result, ServiceMethodName } from '../../shared/api.ts';
import type { MediaFile } from './media.ts';
import type { WorkerConfig } from './service-host.ts';
import { isLost, ServiceThread, type MediaAnswer } from './service-thread.ts';

/**
 * Which thread answers each method of the service. `reader`: it only reads the workspace file, so any connection
 * gives the same answer. `writer`: it changes the workspace, or it answers from state only the writer's service holds
 * in memory — the undo and redo stacks (getSession's canUndo/canRedo), the import and export jobs it started. The
 * current annotator is no such state: its name lives in the workspace's settings (annotator.ts), so a reader names
 * the same annotator as the writer, setAnnotator's change included, and each reader gets the same fallback name.
 * A method added to the API must be placed here (the type requires it).
 */
export const ROUTES: Record<ServiceMethodName, 'reader' | 'writer'> = {
  getSession: 'writer', // canUndo / canRedo: the writer's undo stacks
  setAnnotator: 'writer',
  listAnnotators: 'reader',

  listResponses: 'reader',
  locateResponse: 'reader',
  getResponse: 'reader',

  createTag: 'writer',
  updateTag: 'writer',
  deleteTag: 'writer',
  decideSuggestion: 'writer',
  setVerdict: 'writer',
  undo: 'writer',
  redo: 'writer',

  listLabels: 'reader',
  saveLabel: 'writer',
  retireLabel: 'writer',

  listRuns: 'reader',
  setRunSettings: 'writer',

  listDatasets: 'reader',
  remapDataRoot: 'writer',
  setFrameMapping: 'writer',

  compareMatrix: 'reader',
  listCompareQuestions: 'reader',
  getDashboard: 'reader',

  getAgreement: 'reader',
  listDisagreements: 'reader',
  getAdjudication: 'reader',
  adjudicateTag: 'writer',
  adjudicateVerdict: 'writer',
  importPack: 'writer',

  // jobs: their state (progress, the running job, the finished ones) lives in the writer's service
  startImport: 'writer',
  getImport: 'writer',
  cancelImport: 'writer',
  startExport: 'writer',
  getExport: 'writer',
  cancelExport: 'writer',
};

export function isReadMethod(method: string): boolean {
  return Object.prototype.hasOwnProperty.call(ROUTES, method) && ROUTES[method as ServiceMethodName] === 'reader';
}

/**
 * Reader threads per workspace unless the shell says otherwise: one per core, at most 4 (each holds a connection with
 * its own page cache of up to 64 MiB; past a few, readers only compete for the same cores).
 */
export const DEFAULT_READERS = Math.min(4, Math.max(1, os.availableParallelism()));

/**
 * Reads a reader is sent before it answers; the rest wait in the pool's one queue. One: sending a second ahead
 * measured no better beyond the noise of a shared 2-core machine, and lets a read wait behind a slow one while another
 * reader is free.
 */
const READER_DEPTH = 1;
/** A reader that stopped is started again after this long, doubled after each failed start in a row, up to the limit. */
const RESTART_DELAY_MS = 200;
const RESTART_DELAY_MAX_MS = 30_000;
/** After this many failed starts in a row a reader's place stays empty (the writer answers its share). */
const RESTART_ATTEMPTS = 5;

export interface ReaderStatus {
  /** Reader threads asked for. */
  size: number;
  /** Reader threads answering reads now. */
  ready: number;
  /** Starts of a reader again, after it stopped or failed to start. */
  restarts: number;
  /** Why the last reader that stopped or failed to start did, if one did. */
  lastFailure: string | null;
}

export interface ReaderPool {
  /**
   * A read, answered by the next reader free (in arrival order). null when no reader is ready or the pool is closing:
   * the caller asks the writer. A read whose reader stops while answering it is `fallback`'s to answer.
   */
  call(method: string, input: unknown, fallback: () => Promise<Result<unknown>>): Promise<Result<unknown>> | null;
  /** A media lookup (one indexed row) on the least busy reader at once, not queued behind reads. */
  mediaFile(id: number, fallback: () => Promise<MediaFile | null>): Promise<MediaFile | null> | null;
  status(): ReaderStatus;
  /** Resolves once every reader has started, or failed to start the first time (the pool may then be smaller). */
  started: Promise<void>;
  /** Stops starting readers and closes every one (each closes its connection); resolves when all threads are gone. */
  close(): Promise<void>;
}

interface Queued {
  method: string;
  input: unknown;
  fallback: () => Promise<Result<unknown>>;
  resolve: (r: Result<unknown> | Promise<Result<unknown>>) => void;
}

interface Slot {
  thread: ServiceThread | null;
  /** A start under way (or a restart waiting its delay). */
  starting: Promise<void> | null;
  /** Failed starts in a row (busy ones aside). */
  failures: number;
  /** How long before the next start: doubled after each failed one. */
  delay: number;
  timer: NodeJS.Timeout | null;
}

export function startReaderPool(size: number, script: string, config: WorkerConfig): ReaderPool {
  const readerConfig: WorkerConfig = { ...config, role: 'reader', create: false, demoIfMissing: false };
  const slots: Slot[] = Array.from({ length: size }, () => ({ thread: null, starting: null, failures: 0, delay: RESTART_DELAY_MS, timer: null }));
  let closing = false;
  let restarts = 0;
  let lastFailure: string | null = null;
  let closed: Promise<void> | null = null;

  const launch = (slot: Slot): Promise<void> => {
    const run: Promise<void> = open(slot).finally(() => {
      if (slot.starting === run) slot.starting = null;
    });
    slot.starting = run;
    return run;
  };

  const open = async (slot: Slot): Promise<void> => {
    try {
      const thread = await ServiceThread.start(script, readerConfig);
      if (closing) {
        await thread.close();
        return;
      }
      slot.failures = 0;
      slot.delay = RESTART_DELAY_MS;
      slot.thread = thread;
      thread.onGone = (reason) => {
        slot.thread = null;
        pump();
        if (closing) return;
        lastFailure = `a reader stopped (${reason})`;
        restart(slot);
      };
      pump();
    } catch (err) {
      lastFailure = `a reader could not start: ${(err as Error).message}`;
      // Busy: another process holds the workspace (a command-line import in rollback-journal mode) for a while; the
      // reader starts once it is done. Anything else that fails this often will not pass by itself.
      if ((err as { code?: string }).code !== 'busy') slot.failures++;
      slot.delay = Math.min(RESTART_DELAY_MAX_MS, slot.delay * 2);
      if (!closing && slot.failures < RESTART_ATTEMPTS) restart(slot);
    }
  };

  const restart = (slot: Slot) => {
    restarts++;
    slot.timer = setTimeout(() => {
      slot.timer = null;
      if (!closing) void launch(slot);
    }, slot.delay);
    slot.timer.unref();
  };

  const started = Promise.all(slots.map((s) => launch(s))).then(() => undefined);

  const ready = (): ServiceThread[] => slots.flatMap((s) => (s.thread && s.thread.gone === null ? [s.thread] : []));

  /** The ready reader with the fewest calls in hand (ties: the first). */
  const pick = (): ServiceThread | null => {
    if (closing) return null;
    let best: ServiceThread | null = null;
    for (const r of ready()) if (!best || r.load < best.load) best = r;
    return best;
  };

  /**
   * Reads wait here, in arrival order, for a reader with nothing in hand: one queue for all readers rather than one
   * per reader, so a read never waits behind a slow one on a reader while another reader is idle (with a queue per
   * reader, the slowest reads of twenty clients on 1M responses waited longer than with no readers at all: p95 244 ms
   * against 189 ms in the same run).
   */
  const queue: Queued[] = [];
  const pump = () => {
    if (closing || ready().length === 0) {
      // No reader left to answer (all stopped, or the pool is closing): the writer answers what waits.
      for (const q of queue.splice(0)) q.resolve(q.fallback());
      return;
    }
    while (queue.length > 0) {
      const reader = ready().find((r) => r.load < READER_DEPTH);
      if (!reader) return;
      const q = queue.shift()!;
      q.resolve(
        reader.call(q.method, q.input).then((r) => {
          pump();
          return isLost(r) ? q.fallback() : r;
        }),
      );
    }
  };

  return {
    call(method, input, fallback) {
      if (!pick()) return null;
      return new Promise((resolve) => {
        queue.push({ method, input, fallback, resolve });
        pump();
      });
    },
    mediaFile(id, fallback) {
      const reader = pick();
      if (!reader) return null;
      return reader.mediaFile(id).then((a: MediaAnswer) => {
        if (isLost(a)) return fallback();
        if ('error' in a) return fallback(); // the writer says it in its own words, or answers
        return a.file;
      });
    },
    status: () => ({ size, ready: ready().length, restarts, lastFailure }),
    started,
    close() {
      return (closed ??= closeAll());
    },
  };

  async function closeAll(): Promise<void> {
    closing = true;
    pump(); // what waits goes to the writer, which closes last
    for (const s of slots) {
      if (s.timer) clearTimeout(s.timer);
      s.timer = null;
    }
    // A start under way ends by closing what it started (see launch).
    await Promise.all(
      slots.map(async (s) => {
        await s.starting;
        await s.thread?.close();
        s.thread = null;
      }),
    );
  }
}
