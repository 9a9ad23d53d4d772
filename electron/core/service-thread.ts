// One worker thread of the service host (the writer, or one of its readers): starts it, matches each answer to its
// call, and notices when the thread is gone (crash, exit, close). What to do with the calls it was answering is the
// caller's choice — the host answers them with an error, the reader pool sends them to the writer instead.
import { Worker } from 'node:worker_threads';
import type { Result } from '../../shared/api.ts';
import { CotscopeError } from './errors.ts';
import type { MediaFile } from './media.ts';
import type { HostRequest, HostResponse, HostStartup, WorkerConfig } from './service-host.ts';

const CLOSE_TIMEOUT_MS = 10_000;

/** The thread stopped before it answered; `reason` says how (crashed: …, exited with code …, closed). */
export interface Lost {
  lost: string;
}
export type MediaAnswer = { file: MediaFile | null } | { error: string } | Lost;

type Pending = { kind: 'call'; resolve: (r: Result<unknown> | Lost) => void } | { kind: 'media'; resolve: (a: MediaAnswer) => void };

export class ServiceThread {
  /** Why the thread can no longer answer; null while it runs. */
  gone: string | null = null;
  /** Called once, when the thread stops for any reason (after its pending calls are settled as lost). */
  onGone: ((reason: string) => void) | null = null;

  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private onClosed: (() => void) | null = null;
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly worker: Worker,
    /** The workspace file as the thread opened it (absolute). */
    readonly workspace: string,
  ) {}

  /**
   * Starts a thread and waits for it to open the workspace. Rejects with the thread's own reason (a CotscopeError with
   * its code) when it cannot, or with an `internal` error when it crashes first.
   */
  static async start(script: string, config: WorkerConfig): Promise<ServiceThread> {
    const worker = new Worker(script, { workerData: config });
    const startup = await new Promise<HostStartup | { type: 'crash'; message: string }>((resolve) => {
      const onMessage = (m: HostStartup) => done(m);
      const onError = (err: Error) => done({ type: 'crash', message: `crashed: ${err.message}` });
      const onExit = (code: number) => done({ type: 'crash', message: `exited with code ${code}` });
      const done = (m: HostStartup | { type: 'crash'; message: string }) => {
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        resolve(m);
      };
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    });
    if (startup.type !== 'ready') {
      await worker.terminate();
      if (startup.type === 'fatal') throw new CotscopeError(startup.message, startup.code);
      throw new CotscopeError(`the workspace service could not start: ${startup.message}`, 'internal');
    }
    const thread = new ServiceThread(worker, startup.workspace);
    worker.on('message', (m: HostResponse) => thread.answer(m));
    worker.on('error', (err) => thread.die(`crashed: ${err.message}`));
    worker.on('exit', (code) => thread.die(code === 0 ? 'closed' : `exited with code ${code}`));
    return thread;
  }

  /** Calls not answered yet. */
  get load(): number {
    return this.pending.size;
  }

  /** Sends a call; resolves with its result, or with Lost if the thread stops first. */
  call(method: string, input: unknown): Promise<Result<unknown> | Lost> {
    if (this.gone !== null) return Promise.resolve({ lost: this.gone });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { kind: 'call', resolve });
      try {
        this.worker.postMessage({ type: 'call', id, method, input } satisfies HostRequest);
      } catch (err) {
        // an input that cannot be cloned to the worker (a function, a symbol) is invalid input, not a crash
        this.pending.delete(id);
        resolve({ ok: false, error: { code: 'invalid_input', message: `${method}: input cannot be sent: ${(err as Error).message}` } });
      }
    });
  }

  mediaFile(mediaId: number): Promise<MediaAnswer> {
    if (this.gone !== null) return Promise.resolve({ lost: this.gone });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { kind: 'media', resolve });
      this.worker.postMessage({ type: 'media', id, mediaId } satisfies HostRequest);
    });
  }

  /**
   * Closes the thread's store (cleanly, on the thread: calls sent before are answered first) and stops it. A thread
   * that does not answer in time is terminated.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.gone === null) {
        const closed = new Promise<void>((resolve) => (this.onClosed = resolve));
        this.worker.postMessage({ type: 'close' } satisfies HostRequest);
        const timer = setTimeout(() => void this.worker.terminate(), CLOSE_TIMEOUT_MS);
        await closed;
        clearTimeout(timer);
      }
      this.die('closed');
      await this.worker.terminate();
    })();
    return this.closing;
  }

  private answer(m: HostResponse): void {
    if (m.type === 'closed') return this.onClosed?.();
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.type === 'result' && p.kind === 'call') p.resolve(m.result);
    else if (m.type === 'media' && p.kind === 'media') p.resolve(m.error ? { error: m.error } : { file: m.file });
  }

  private die(reason: string): void {
    const first = this.gone === null;
    if (first) this.gone = reason;
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.resolve({ lost: this.gone! });
    }
    // A thread that stops while closing has still closed: the close must not wait for a 'closed' it will never send.
    this.onClosed?.();
    if (first) this.onGone?.(reason);
  }
}

export function isLost(x: unknown): x is Lost {
  return typeof x === 'object' && x !== null && 'lost' in x;
}
