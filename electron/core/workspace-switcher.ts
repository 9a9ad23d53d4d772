// Which workspace a shell (Electron main, browser mode) serves, and switching to another. The switcher owns the
// current service host and answers the shell's own methods (listWorkspaces, openWorkspace); every other call and
// every media lookup goes to the current host. A switch opens the candidate on a fresh host first — so a missing
// file, a file that is not a workspace or one from a newer cotscope is refused with the store's message while the
// current workspace stays open — and only then swaps, lets the calls already sent to the old host finish, and closes
// it.
import fs from 'node:fs';
import path from 'node:path';
import { isShellMethod, parseInput, type ParsedInput, type Result, type Session, type ShellMethodName, type WorkspaceList } from '../../shared/api.ts';
import { toApiError } from './dispatch.ts';
import { CotscopeError } from './errors.ts';
import type { MediaFile } from './media.ts';
import type { RecentWorkspaces } from './recent-workspaces.ts';
import type { ServiceHost } from './service-host.ts';

export interface WorkspaceSwitcherOptions {
  /** Starts a host on a workspace file, with the shell's own options (annotator, worker script). */
  start(file: string, opts: { create: boolean }): Promise<ServiceHost>;
  recent: RecentWorkspaces;
  /** Where relative paths resolve (default: the process's working directory). */
  cwd?: string;
  /** The desktop app's save dialog (chooseSavePath); without it the shell has none and the path is typed. */
  chooseSavePath?: (suggested: string, folder: boolean) => Promise<string | null>;
}

export interface WorkspaceSwitcher {
  /** The open workspace file (absolute). */
  readonly workspace: string;
  /** Any API method by name; never rejects: every failure is an error envelope naming the method. */
  call(method: string, input: unknown): Promise<Result<unknown>>;
  /** Where a media id of the open workspace points; rejects if its service is gone. */
  mediaFile(id: number): Promise<MediaFile | null>;
  /** Closes the open workspace (after a switch under way); calls after it fail with `internal`. */
  close(): Promise<void>;
}

interface Current {
  host: ServiceHost;
  /** Calls and media lookups sent to this host and not answered yet: a switch lets them finish before closing it. */
  inflight: Set<Promise<unknown>>;
}

/** Starts serving `first` (already open) and puts it first in the recent list. */
export function createWorkspaceSwitcher(first: ServiceHost, opts: WorkspaceSwitcherOptions): WorkspaceSwitcher {
  const cwd = opts.cwd ?? process.cwd();
  let current: Current = { host: first, inflight: new Set() };
  let closed = false;
  /** Switches (and the final close) run one at a time. */
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn);
    queue = run.catch(() => undefined);
    return run;
  };
  rememberQuietly(opts.recent, first.workspace);

  function track<T>(c: Current, p: Promise<T>): Promise<T> {
    c.inflight.add(p);
    const done = () => void c.inflight.delete(p);
    p.then(done, done);
    return p;
  }

  async function retire(old: Current): Promise<void> {
    await Promise.allSettled([...old.inflight]);
    await old.host.close();
  }

  function listWorkspaces(): WorkspaceList {
    return {
      current: current.host.workspace,
      recent: opts.recent.list().map((e) => ({ ...e, exists: fs.existsSync(e.path) })),
    };
  }

  async function openWorkspace(file: string, create: boolean): Promise<Session> {
    const abs = path.resolve(cwd, file);
    if (closed) throw new CotscopeError('the workspace is closed', 'internal');
    if (create) {
      // "Create new" never quietly opens a workspace that is already there.
      if (fs.existsSync(abs)) throw new CotscopeError(`${abs} already exists: open it instead of creating it`, 'conflict');
      const dir = path.dirname(abs);
      if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new CotscopeError(`${dir}: no such folder`, 'not_found');
    } else if (!fs.existsSync(abs)) {
      throw new CotscopeError(`${abs}: no such workspace file`, 'not_found');
    }
    if (abs !== current.host.workspace) {
      const candidate = await opts.start(abs, { create });
      const old = current;
      current = { host: candidate, inflight: new Set() };
      await retire(old);
    }
    rememberQuietly(opts.recent, current.host.workspace);
    const session = await current.host.call('getSession', {});
    if (!session.ok) throw new CotscopeError(session.error.message, session.error.code);
    return session.value as Session;
  }

  async function shellCall(method: ShellMethodName, input: unknown): Promise<Result<unknown>> {
    const parsed = parseInput(method, input);
    if (!parsed.ok) return { ok: false, error: { code: 'invalid_input', message: parsed.message } };
    try {
      if (method === 'listWorkspaces') return { ok: true, value: listWorkspaces() };
      if (method === 'chooseSavePath') {
        const { suggested, folder } = parsed.value as ParsedInput<'chooseSavePath'>;
        if (!opts.chooseSavePath) return { ok: true, value: { path: null, native: false } };
        return { ok: true, value: { path: await opts.chooseSavePath(suggested, folder), native: true } };
      }
      const { path: file, create } = parsed.value as ParsedInput<'openWorkspace'>;
      return { ok: true, value: await serially(() => openWorkspace(file, create)) };
    } catch (err) {
      return { ok: false, error: toApiError(method, err) };
    }
  }

  return {
    get workspace() {
      return current.host.workspace;
    },
    call(method, input) {
      if (isShellMethod(method)) return shellCall(method, input);
      return track(current, current.host.call(method, input));
    },
    mediaFile(id) {
      return track(current, current.host.mediaFile(id));
    },
    close() {
      return serially(async () => {
        if (closed) return;
        closed = true;
        await retire(current);
      });
    },
  };
}

/** The recent list is a convenience: failing to write it (a read-only userData) must not fail opening a workspace. */
function rememberQuietly(recent: RecentWorkspaces, file: string): void {
  try {
    recent.remember(file);
  } catch {
    // the list stays as it was
  }
}
