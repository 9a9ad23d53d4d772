// Recent workspaces, kept as a small JSON file in Electron's userData folder: which workspace the app opens on start
// (the most recent that still exists, else the demo workspace, built there on first start).
import fs from 'node:fs';
import path from 'node:path';

const FILE = 'recent-workspaces.json';
const KEEP = 10;

export function recentWorkspacesFile(userData: string): string {
  return path.join(userData, FILE);
}

/** The demo workspace's place: in userData, so the app never writes beside its own (possibly read-only) files. */
export function demoWorkspaceFile(userData: string): string {
  return path.join(userData, 'demo.db');
}

/** Most recent first. A missing or damaged file reads as no recent workspaces. */
export function readRecentWorkspaces(userData: string): string[] {
  try {
    const data = JSON.parse(fs.readFileSync(recentWorkspacesFile(userData), 'utf8')) as { workspaces?: unknown };
    return Array.isArray(data.workspaces) ? data.workspaces.filter((f): f is string => typeof f === 'string' && path.isAbsolute(f)) : [];
  } catch {
    return [];
  }
}

/** Puts a workspace first in the list (written atomically: a crash mid-write keeps the old list). */
export function rememberWorkspace(userData: string, file: string): string[] {
  const abs = path.resolve(file);
  const list = [abs, ...readRecentWorkspaces(userData).filter((f) => f !== abs)].slice(0, KEEP);
  fs.mkdirSync(userData, { recursive: true });
  const target = recentWorkspacesFile(userData);
  const tmp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ workspaces: list }, null, 2) + '\n');
  fs.renameSync(tmp, target);
  return list;
}

/** The workspace to open on start: the most recent one that still exists, else the demo workspace. */
export function chooseWorkspace(userData: string): { file: string; demo: boolean } {
  const recent = readRecentWorkspaces(userData).find((f) => fs.existsSync(f));
  if (recent) return { file: recent, demo: recent === demoWorkspaceFile(userData) };
  return { file: demoWorkspaceFile(userData), demo: true };
}
