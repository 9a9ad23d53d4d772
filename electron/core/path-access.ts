// Paths are capabilities. A path the page sends reaches the file system only if its shell allows it: in the desktop
// app because the main process's own dialog returned it in this session (folderless grants, kept by main); in browser
// mode because it lies inside a folder the server's owner allowed (--allow-dir), after resolving symlinks. Everything
// else is refused before any file is touched, so a refusal never says whether a file exists.
import fs from 'node:fs';
import path from 'node:path';
import { CotscopeError } from './errors.ts';

/** What the page wants to do with a path; a grant for one use is no grant for another. */
export type PathUse =
  /** a file to import: benchmark, run, pack */
  | 'read-file'
  /** a data root (videos/ and images/ under it) */
  | 'read-folder'
  /** an existing workspace file, read and written */
  | 'open-workspace'
  /** a new workspace file */
  | 'create-workspace'
  /** an export's file */
  | 'write-file'
  /** an export's folder (a Hugging Face dataset) */
  | 'write-folder';

export interface PathAccess {
  readonly kind: 'dialogs' | 'folders';
  /** The allowed folders (browser mode; symlinks resolved), for the page to show. */
  folders(): string[];
  /**
   * The path to use for `use` (absolute; where it exists, symlinks resolved), or a CotscopeError with code
   * `forbidden` naming `field`. Single-use grants (a save dialog's) are spent by a successful check.
   */
  check(p: string, use: PathUse, field: string): string;
}

const MAX_PATH = 4096;

/** Refuses what is never a path: empty, NUL bytes (C APIs stop there; `a.db\0.txt` is `a.db`), absurd length. */
function plain(p: unknown, field: string): string {
  if (typeof p !== 'string' || p.length === 0) throw forbidden(field, 'a path is required');
  if (p.includes('\0')) throw forbidden(field, 'a path cannot hold a NUL character');
  if (p.length > MAX_PATH) throw forbidden(field, `a path is at most ${MAX_PATH} characters`);
  return p;
}

function forbidden(field: string, why: string): CotscopeError {
  return new CotscopeError(`field \`${field}\`: ${why}`, 'forbidden');
}

/** Whether `target` is `dir` or inside it (both absolute, normalised). */
export function isInside(dir: string, target: string): boolean {
  const rel = path.relative(dir, target);
  if (rel === '') return true;
  return rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

function realpathOrNull(p: string): string | null {
  try {
    return fs.realpathSync(p);
  } catch {
    return null;
  }
}

const USE_WORDS: Record<PathUse, string> = {
  'read-file': 'read',
  'read-folder': 'read',
  'open-workspace': 'open',
  'create-workspace': 'create',
  'write-file': 'write',
  'write-folder': 'write',
};

/**
 * Browser mode: paths inside the owner's folders. A relative path resolves against the first folder. The path is
 * checked as written (so nothing outside is even looked at), then with every symlink resolved (so a link inside that
 * points outside is refused too); the resolved path is what gets used, so the check and the use name the same file.
 * Exports are downloads in browser mode: a path to write an export to is refused whatever it is.
 */
export function allowFolders(dirs: readonly string[]): PathAccess {
  const folders: { given: string; real: string }[] = [];
  for (const d of dirs) {
    const given = path.resolve(plain(d, '--allow-dir'));
    const real = realpathOrNull(given);
    if (real === null || !fs.statSync(real).isDirectory()) throw new CotscopeError(`--allow-dir ${d}: no such folder`, 'usage');
    if (!folders.some((f) => f.real === real)) folders.push({ given, real });
  }
  const none = () =>
    'browser mode takes no paths here: the server allows no folder (its owner can pass --allow-dir DIR); upload the file instead';

  return {
    kind: 'folders',
    // As given and as resolved, where they differ (a folder reached through a link): the server accepts both.
    folders: () => [...new Set(folders.flatMap((f) => [f.real, f.given]))],
    check(p, use, field) {
      plain(p, field);
      if (use === 'write-file' || use === 'write-folder') {
        throw forbidden(field, 'browser mode writes no files where the page says: an export is downloaded by the browser');
      }
      if (folders.length === 0) throw forbidden(field, none());
      const abs = path.resolve(folders[0].real, p);
      const outside = () =>
        forbidden(field, `${USE_WORDS[use]} ${abs}: outside the folders this server allows (${folders.map((f) => f.real).join(', ')})`);
      if (!folders.some((f) => isInside(f.given, abs) || isInside(f.real, abs))) throw outside();
      let real: string | null;
      if (use === 'create-workspace') {
        // The file does not exist yet: its folder's real path, and the name as given (never `.` or `..`).
        const name = path.basename(abs);
        if (name === '' || name === '.' || name === '..') throw forbidden(field, `${abs}: not a file name`);
        const dir = realpathOrNull(path.dirname(abs));
        real = dir === null ? null : path.join(dir, name);
        if (real === null) throw new CotscopeError(`field \`${field}\`: ${path.dirname(abs)}: no such folder`, 'not_found');
      } else {
        real = realpathOrNull(abs);
        if (real === null) throw new CotscopeError(`field \`${field}\`: ${abs}: no such ${use === 'read-folder' ? 'folder' : 'file'}`, 'not_found');
      }
      if (!folders.some((f) => isInside(f.real, real))) throw outside();
      return real;
    },
  };
}

/** The desktop app's grants: what its own dialogs returned, by use. main.ts adds to it; the page cannot. */
export interface DialogGrants extends PathAccess {
  grant(p: string, use: PathUse): void;
}

/** Uses whose grant is spent by one use: a save dialog confirmed replacing that file once, not forever. */
const SINGLE_USE: ReadonlySet<PathUse> = new Set(['write-file', 'write-folder', 'create-workspace']);

export function dialogGrants(): DialogGrants {
  const granted = new Map<PathUse, Set<string>>();
  return {
    kind: 'dialogs',
    folders: () => [],
    grant(p, use) {
      const abs = path.resolve(plain(p, 'path'));
      let set = granted.get(use);
      if (!set) granted.set(use, (set = new Set()));
      set.add(abs);
    },
    check(p, use, field) {
      const abs = path.resolve(plain(p, field));
      const set = granted.get(use);
      if (!set?.has(abs)) {
        throw forbidden(field, `${abs} was not chosen in a dialog of cotscope for this (${USE_WORDS[use]}): choose it with the button beside the field`);
      }
      if (SINGLE_USE.has(use)) set.delete(abs);
      return abs;
    },
  };
}
