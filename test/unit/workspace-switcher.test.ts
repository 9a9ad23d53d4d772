// The workspace switcher with stand-in hosts: which host a call reaches around a switch, and what a refused switch
// leaves behind. (test/server/workspaces.test.ts runs it for real, through the HTTP server.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Result } from '../../shared/api.ts';
import { CotscopeError } from '../../electron/core/errors.ts';
import { allowFolders } from '../../electron/core/path-access.ts';
import { recentInMemory } from '../../electron/core/recent-workspaces.ts';
import type { ServiceHost } from '../../electron/core/service-host.ts';
import { createWorkspaceSwitcher } from '../../electron/core/workspace-switcher.ts';

interface FakeHost extends ServiceHost {
  log: string[];
  closed: boolean;
  /** Calls to `slow` wait until this is called. */
  release(): void;
}

function fakeHost(workspace: string): FakeHost {
  let release = () => {};
  const gate = new Promise<void>((r) => (release = r));
  const host: FakeHost = {
    workspace,
    log: [],
    closed: false,
    release: () => release(),
    async call(method): Promise<Result<unknown>> {
      if (host.closed) return { ok: false, error: { code: 'internal', message: `${method}: the workspace service stopped (closed)` } };
      host.log.push(method);
      if (method === 'slow') await gate;
      if (method === 'getSession') return { ok: true, value: { workspace, annotator: 'a', version: '0', canUndo: false, canRedo: false } };
      return { ok: true, value: `${method} on ${path.basename(workspace)}` };
    },
    async mediaFile(id) {
      return { path: `${id}`, root: workspace };
    },
    async close() {
      host.closed = true;
    },
  };
  return host;
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-switcher-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('workspace switcher', () => {
  it('lets a call already sent to the old workspace finish before closing it; later calls reach the new one', async () => {
    const a = fakeHost(path.join(dir, 'a.db'));
    const b = fakeHost(path.join(dir, 'b.db'));
    fs.writeFileSync(b.workspace, '');
    const switcher = createWorkspaceSwitcher(a, { start: async () => b, recent: recentInMemory(), access: allowFolders([dir]) });
    const slow = switcher.call('slow', {});
    const switched = switcher.call('openWorkspace', { path: b.workspace });
    await new Promise((r) => setTimeout(r, 20));
    expect(switcher.workspace).toBe(b.workspace);
    expect(a.closed).toBe(false); // still answering `slow`
    expect(await switcher.call('listRuns', {})).toEqual({ ok: true, value: 'listRuns on b.db' });
    expect(await switcher.mediaFile(7)).toEqual({ path: '7', root: b.workspace });
    a.release();
    expect(await slow).toEqual({ ok: true, value: 'slow on a.db' });
    expect(await switched).toMatchObject({ ok: true, value: { workspace: b.workspace } });
    expect(a.closed).toBe(true);
    await switcher.close();
    expect(b.closed).toBe(true);
    expect(await switcher.call('listRuns', {})).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('keeps the open workspace when the candidate cannot be opened, and resolves relative paths against the allowed folder', async () => {
    const a = fakeHost(path.join(dir, 'a.db'));
    fs.writeFileSync(path.join(dir, 'bad.db'), 'text');
    const started: string[] = [];
    const switcher = createWorkspaceSwitcher(a, {
      access: allowFolders([dir]),
      start: async (file) => {
        started.push(file);
        throw new CotscopeError(`${file}: cannot open as a workspace: file is not a database`);
      },
      recent: recentInMemory(),
    });
    const r = await switcher.call('openWorkspace', { path: 'bad.db' });
    expect(r).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: `openWorkspace: ${path.join(dir, 'bad.db')}: cannot open as a workspace: file is not a database` },
    });
    expect(started).toEqual([path.join(dir, 'bad.db')]);
    expect(switcher.workspace).toBe(a.workspace);
    expect(a.closed).toBe(false);
    expect(await switcher.call('openWorkspace', { path: '' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const list = await switcher.call('listWorkspaces', {});
    expect(list).toMatchObject({ ok: true, value: { current: a.workspace, recent: [{ path: a.workspace, exists: false }] } });
  });

  it('keeps at most ten recent workspaces, each once, most recent first', () => {
    const recent = recentInMemory();
    for (let i = 0; i < 12; i++) recent.remember(path.join(dir, `w${i}.db`));
    recent.remember(path.join(dir, 'w5.db'));
    const list = recent.list().map((e) => path.basename(e.path));
    expect(list).toHaveLength(10);
    expect(list[0]).toBe('w5.db');
    expect(new Set(list).size).toBe(10);
  });
});
