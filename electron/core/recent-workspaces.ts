// The recently opened workspaces, most recent first, each once, at most ten: kept in a small JSON file (the desktop
// app's, in its userData folder) or only in memory (browser mode). The file keeps `workspaces` as a plain list of
// paths, as earlier versions wrote and read it, with the opening times beside it.
import fs from 'node:fs';
import path from 'node:path';

export const RECENT_KEEP = 10;

export interface RecentEntry {
  /** Absolute path of the workspace file. */
  path: string;
  /** When it was last opened (ISO 8601). */
  openedAt: string;
}

export interface RecentWorkspaces {
  /** Most recent first. */
  list(): RecentEntry[];
  /** Puts a workspace first; returns the new list. */
  remember(file: string): RecentEntry[];
}

interface RecentFile {
  workspaces: string[];
  openedAt: Record<string, string>;
}

function put(list: RecentEntry[], file: string): RecentEntry[] {
  const abs = path.resolve(file);
  return [{ path: abs, openedAt: new Date().toISOString() }, ...list.filter((e) => e.path !== abs)].slice(0, RECENT_KEEP);
}

export function recentInMemory(initial: RecentEntry[] = []): RecentWorkspaces {
  let entries = initial.slice(0, RECENT_KEEP);
  return {
    list: () => entries.slice(),
    remember(file) {
      entries = put(entries, file);
      return entries.slice();
    },
  };
}

/** A missing or damaged file reads as no recent workspaces; entries that are not absolute paths are dropped. */
export function readRecentFile(file: string): RecentEntry[] {
  let data: Partial<RecentFile>;
  let written: string;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<RecentFile>;
    written = fs.statSync(file).mtime.toISOString();
  } catch {
    return [];
  }
  if (!data || !Array.isArray(data.workspaces)) return [];
  const times = data.openedAt && typeof data.openedAt === 'object' ? data.openedAt : {};
  return data.workspaces
    .filter((f): f is string => typeof f === 'string' && path.isAbsolute(f))
    .slice(0, RECENT_KEEP)
    .map((f) => ({ path: f, openedAt: typeof times[f] === 'string' ? times[f] : written }));
}

/** The list in a JSON file, re-read on every use and written atomically (a crash mid-write keeps the old list). */
export function recentInFile(file: string): RecentWorkspaces {
  return {
    list: () => readRecentFile(file),
    remember(workspace) {
      const entries = put(readRecentFile(file), workspace);
      const data: RecentFile = {
        workspaces: entries.map((e) => e.path),
        openedAt: Object.fromEntries(entries.map((e) => [e.path, e.openedAt])),
      };
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(data, null, 2) + '\n');
      fs.renameSync(tmp, file);
      return entries;
    },
  };
}
