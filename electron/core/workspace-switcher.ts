// Which workspace a shell (Electron main, browser mode) serves, and switching to another. The switcher owns the
// current service host and answers the shell's own methods (listWorkspaces, openWorkspace); every other call and
// every media lookup goes to the current host. A switch opens the candidate on a fresh host first — so a missing
// file, a file that is not a workspace or one from a newer cotscope is refused with the store's message while the
// current workspace stays open — and only then swaps, lets the calls already sent to the old host finish, and closes
// it.
//
// It is also every shell's one door for paths: the methods that name a file go through the path gate (path-gate.ts)
// before they reach the service, so the page can reach no file its shell did not allow.
import fs from 'node:fs';
import path from 'node:path';
import {
  isShellMethod,
  parseInput,
  type ParsedInput,
  type PathPurpose,
  type Result,
  type Session,
  type ShellInfo,
  type ShellMethodName,
  type WorkspaceList,
} from '../../shared/api.ts';
import { toApiError } from './dispatch.ts';
import { CotscopeError } from './errors.ts';
import type { MediaFile } from './media.ts';
import type { PathAccess } from './path-access.ts';
import { createPathGate, isPathMethod } from './path-gate.ts';
import type { RecentWorkspaces } from './recent-workspaces.ts';
import type { ServiceHost } from './service-host.ts';
import type { Staging } from './staging.ts';

export interface WorkspaceSwitcherOptions {
  /** Starts a host on a workspace file, with the shell's own options (annotator, worker script). */
  start(file: string, opts: { create: boolean }): Promise<ServiceHost>;
  recent: RecentWorkspaces;
  /** Which paths the page may name: the desktop app's dialog grants, or browser mode's allowed folders. */
  access: PathAccess;
  /** Browser mode's uploads and export downloads; none in the desktop app. */
  staging?: Staging;
  /**
   * The desktop app's dialogs: where to save (chooseSavePath) and which files or folder to open (choosePaths). They
   * grant what they return to `access`; without them the shell has no dialogs (browser mode).
   */
  dialogs?: {
    save(suggested: string, purpose: 'export' | 'workspace', folder: boolean): Promise<string | null>;
    open(purpose: PathPurpose, multiple: boolean): Promise<string[] | null>;
  };
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
  const gate = createPathGate({ access: opts.access, staging: opts.staging ?? null, recent: () => opts.recent.list().map((e) => e.path) });

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
    const abs = path.resolve(gate.workspace(file, create));
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
      if (method === 'getShell') {
        const info: ShellInfo = {
          kind: opts.dialogs ? 'desktop' : 'browser',
          folders: opts.access.folders(),
          maxUploadBytes: opts.staging?.maxUploadBytes ?? null,
        };
        return { ok: true, value: info };
      }
      if (method === 'chooseSavePath') {
        const { suggested, folder, purpose } = parsed.value as ParsedInput<'chooseSavePath'>;
        if (!opts.dialogs) return { ok: true, value: { path: null, native: false } };
        return { ok: true, value: { path: await opts.dialogs.save(suggested, purpose, folder), native: true } };
      }
      if (method === 'choosePaths') {
        const { purpose, multiple } = parsed.value as ParsedInput<'choosePaths'>;
        if (!opts.dialogs) return { ok: true, value: { paths: null, native: false } };
        return { ok: true, value: { paths: await opts.dialogs.open(purpose, multiple), native: true } };
      }
      const { path: file, create } = parsed.value as ParsedInput<'openWorkspace'>;
      return { ok: true, value: await serially(() => openWorkspace(file, create)) };
    } catch (err) {
      return { ok: false, error: toApiError(method, err) };
    }
  }

  /** A call that names a path (checked and replaced first) or shows one (hidden or offered as a download after). */
  async function gatedCall(method: string, input: unknown): Promise<Result<unknown>> {
    let sent = input;
    if (isPathMethod(method)) {
      const parsed = parseInput(method, input);
      if (!parsed.ok) return { ok: false, error: { code: 'invalid_input', message: parsed.message } };
      try {
        sent = gate.input(method, parsed.value);
      } catch (err) {
        return { ok: false, error: toApiError(method, err) };
      }
    }
    const result = await track(current, current.host.call(method, sent));
    gate.settle(method, input);
    if (!result.ok) return { ok: false, error: { ...result.error, message: gate.message(result.error.message) } };
    try {
      return { ok: true, value: gate.output(method, input, result.value) };
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
      if (isPathMethod(method) || method === 'getImport' || method === 'cancelImport' || method === 'getExport' || method === 'cancelExport') {
        return gatedCall(method, input);
      }
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
