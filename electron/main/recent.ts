// Recent workspaces, kept as a small JSON file in Electron's userData folder: which workspace the app opens on start
// (the most recent that still exists, else the demo workspace, built there on first start).
import fs from 'node:fs';
import path from 'node:path';
import { recentInFile, type RecentWorkspaces } from '../core/recent-workspaces.ts';

const FILE = 'recent-workspaces.json';

export function recentWorkspacesFile(userData: string): string {
  return path.join(userData, FILE);
}

/** The demo workspace's place: in userData, so the app never writes beside its own (possibly read-only) files. */
export function demoWorkspaceFile(userData: string): string {
  return path.join(userData, 'demo.db');
}

/** Most recent first. A missing or damaged file reads as no recent workspaces. */
export function readRecentWorkspaces(userData: string): string[] {
  return recentWorkspaces(userData)
    .list()
    .map((e) => e.path);
}

/** Puts a workspace first in the list (written atomically: a crash mid-write keeps the old list). */
export function rememberWorkspace(userData: string, file: string): string[] {
  return recentWorkspaces(userData)
    .remember(file)
    .map((e) => e.path);
}

/** The app's recent list, for the workspace switcher (core/recent-workspaces.ts keeps it). */
export function recentWorkspaces(userData: string): RecentWorkspaces {
  return recentInFile(recentWorkspacesFile(userData));
}

/** The workspace to open on start: the most recent one that still exists, else the demo workspace. */
export function chooseWorkspace(userData: string): { file: string; demo: boolean } {
  const recent = readRecentWorkspaces(userData).find((f) => fs.existsSync(f));
  if (recent) return { file: recent, demo: recent === demoWorkspaceFile(userData) };
  return { file: demoWorkspaceFile(userData), demo: true };
}
