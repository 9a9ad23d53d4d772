// A job running on the service (an import or an export): start it, poll its progress until it ends, cancel it,
// forget it. One implementation for every kind of job; each store names its three service methods and what to do
// when a job ends.
import type { Input, MethodName, Output } from '../../../shared/api.ts';
import { call, shown } from '../api.ts';

interface Job {
  id: string;
  state: 'running' | 'done' | 'failed' | 'cancelled';
}

export interface ServiceJobState<J extends Job, S extends MethodName> {
  job: J | null;
  starting: boolean;
  start(input: Input<S>): Promise<void>;
  cancel(): Promise<void>;
  /** Forgets a job that has ended (a running one stays). */
  clear(): void;
}

export interface ServiceJobMethods<S extends MethodName, G extends MethodName, C extends MethodName> {
  start: S;
  get: G;
  cancel: C;
  pollMs: number;
}

type Set<T> = (partial: Partial<T>) => void;
type Get<T> = () => T;

/** The job part of a store: spread it into the store's state (`...serviceJob(set, get, methods, ended)`). */
export function serviceJob<S extends MethodName, G extends MethodName, C extends MethodName, T extends ServiceJobState<Output<G> & Job, S>>(
  set: Set<T>,
  get: Get<T>,
  methods: ServiceJobMethods<S, G, C>,
  ended: (job: Output<G> & Job) => void,
): ServiceJobState<Output<G> & Job, S> {
  type J = Output<G> & Job;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const stop = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  const follow = (job: J) => {
    set({ job } as Partial<T>);
    if (job.state === 'running') timer = setTimeout(() => void poll(job.id), methods.pollMs);
    else ended(job);
  };

  async function poll(id: string) {
    timer = null;
    try {
      const job = (await call(methods.get, { id } as Input<G>)) as J;
      if (get().job?.id !== id) return;
      follow(job);
    } catch (e) {
      shown(e);
    }
  }

  return {
    job: null,
    starting: false,
    async start(input) {
      stop();
      set({ starting: true, job: null } as Partial<T>);
      try {
        follow((await call(methods.start, input)) as unknown as J);
      } catch (e) {
        shown(e);
      } finally {
        set({ starting: false } as Partial<T>);
      }
    },
    async cancel() {
      const job = get().job;
      if (!job) return;
      try {
        set({ job: (await call(methods.cancel, { id: job.id } as Input<C>)) as unknown as J } as Partial<T>);
      } catch (e) {
        shown(e);
      }
    },
    clear() {
      if (get().job?.state === 'running') return;
      stop();
      set({ job: null } as Partial<T>);
    },
  };
}
