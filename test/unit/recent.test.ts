import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  chooseWorkspace,
  demoWorkspaceFile,
  readRecentWorkspaces,
  recentWorkspacesFile,
  rememberWorkspace,
} from '../../electron/main/recent.ts';
import { readRecentFile, recentInFile } from '../../electron/core/recent-workspaces.ts';

let userData: string;
beforeEach(() => {
  userData = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-recent-'));
});
afterEach(() => fs.rmSync(userData, { recursive: true, force: true }));

describe('recent workspaces', () => {
  it('opens the demo workspace in userData on first start', () => {
    expect(chooseWorkspace(userData)).toEqual({ file: path.join(userData, 'demo.db'), demo: true });
    expect(demoWorkspaceFile(userData)).toBe(path.join(userData, 'demo.db'));
  });

  it('opens the most recent workspace that still exists', () => {
    const a = path.join(userData, 'a.db');
    const b = path.join(userData, 'b.db');
    fs.writeFileSync(a, '');
    rememberWorkspace(userData, a);
    rememberWorkspace(userData, b); // b is most recent, but does not exist
    expect(readRecentWorkspaces(userData)).toEqual([b, a]);
    expect(chooseWorkspace(userData)).toEqual({ file: a, demo: false });
  });

  it('keeps each workspace once, most recent first, at most ten', () => {
    for (let i = 0; i < 12; i++) rememberWorkspace(userData, path.join(userData, `w${i}.db`));
    rememberWorkspace(userData, path.join(userData, 'w5.db'));
    const list = readRecentWorkspaces(userData);
    expect(list).toHaveLength(10);
    expect(list[0]).toBe(path.join(userData, 'w5.db'));
    expect(new Set(list).size).toBe(10);
  });

  it('reads a damaged list as empty', () => {
    fs.writeFileSync(recentWorkspacesFile(userData), '{not json');
    expect(readRecentWorkspaces(userData)).toEqual([]);
    fs.writeFileSync(recentWorkspacesFile(userData), JSON.stringify({ workspaces: [1, 'relative.db', '/abs/w.db'] }));
    expect(readRecentWorkspaces(userData)).toEqual(['/abs/w.db']);
  });

  it('keeps when each was opened beside the plain list of paths earlier versions read', () => {
    const file = recentWorkspacesFile(userData);
    fs.writeFileSync(file, JSON.stringify({ workspaces: ['/abs/old.db'] })); // as an earlier cotscope wrote it
    const mtime = fs.statSync(file).mtime.toISOString();
    expect(readRecentFile(file)).toEqual([{ path: '/abs/old.db', openedAt: mtime }]);
    const entries = recentInFile(file).remember('/abs/new.db');
    const data = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(data.workspaces).toEqual(['/abs/new.db', '/abs/old.db']);
    expect(data.openedAt['/abs/new.db']).toBe(entries[0].openedAt);
    expect(readRecentFile(file)).toEqual(entries);
  });
});
