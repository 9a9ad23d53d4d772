// What the shell lets the page do with files: in the desktop app, paths come from the system's dialogs (Choose…); in
// browser mode, files are uploaded, exports downloaded, and typed paths must lie inside the folders the server's
// owner allowed. Loaded once: a shell's allowances are fixed for its life (a workspace switch changes none of them).
import type { PathPurpose, ShellInfo } from '../../../shared/api.ts';
import { call, shown } from '../api.ts';
import { createStore } from './create-store.ts';

interface ShellState {
  /** null until loaded. */
  info: ShellInfo | null;
  load(): Promise<void>;
  /** The desktop app's open dialog: the paths picked (then usable for `purpose` in this session), or null. */
  choosePaths(purpose: PathPurpose, multiple?: boolean): Promise<string[] | null>;
  /** The desktop app's save dialog: the path picked (usable once: one export, or one new workspace), or null. */
  chooseSavePath(purpose: 'export' | 'workspace', suggested: string, folder?: boolean): Promise<string | null>;
}

export const useShell = createStore<ShellState>('shell', (set) => ({
  info: null,
  async load() {
    try {
      set({ info: await call('getShell', {}) });
    } catch (e) {
      shown(e);
    }
  },
  async choosePaths(purpose, multiple = false) {
    try {
      return (await call('choosePaths', { purpose, multiple })).paths;
    } catch (e) {
      shown(e);
      return null;
    }
  },
  async chooseSavePath(purpose, suggested, folder = false) {
    try {
      return (await call('chooseSavePath', { purpose, suggested, folder })).path;
    } catch (e) {
      shown(e);
      return null;
    }
  },
}));

const isWindowsAbsolute = (p: string) => /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');

/** `p` with `.` and `..` segments resolved and one separator style, for comparing (not for sending). */
function normalise(p: string): string {
  const sep = isWindowsAbsolute(p) ? '\\' : '/';
  const parts: string[] = [];
  for (const part of p.split(/[\\/]+/)) {
    if (part === '.' || (part === '' && parts.length > 0)) continue;
    if (part === '..') {
      if (parts.length > 1) parts.pop();
      continue;
    }
    parts.push(part);
  }
  return parts.join(sep) || sep;
}

/**
 * Whether a typed path names something inside the allowed folders, as the server will judge it (a relative path is
 * inside the first folder). A hint for the page only: the server decides, after resolving symlinks, so a path through
 * a link to an allowed folder may be taken though it looks outside here.
 */
export function insideFolders(p: string, folders: readonly string[]): boolean {
  const typed = p.trim();
  if (!typed || folders.length === 0) return false;
  const absolute = typed.startsWith('/') || isWindowsAbsolute(typed);
  const target = normalise(absolute ? typed : `${folders[0]}/${typed}`);
  return folders.some((f) => {
    const dir = normalise(f);
    const sep = isWindowsAbsolute(dir) ? '\\' : '/';
    const prefix = dir.endsWith(sep) ? dir : dir + sep;
    // Windows paths compare without case, as its file systems do.
    return sep === '\\' ? target.toLowerCase() === dir.toLowerCase() || target.toLowerCase().startsWith(prefix.toLowerCase()) : target === dir || target.startsWith(prefix);
  });
}

/** The allowed folders as the page says them: "/data or /home/me/runs". */
export function folderList(folders: readonly string[]): string {
  if (folders.length <= 1) return folders[0] ?? '';
  return `${folders.slice(0, -1).join(', ')} or ${folders[folders.length - 1]}`;
}
