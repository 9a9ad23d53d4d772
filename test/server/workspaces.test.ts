// Switching workspaces in browser mode, through the real HTTP server: create one, open one back, the recent list,
// and the refusals that leave the open workspace as it was.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemo } from '../../electron/core/demo.ts';
import { openStore } from '../../electron/core/store.ts';
import { startServer, type RunningServer } from '../../electron/server/server.ts';
import { apiClient } from './api-client.ts';
import { DEFAULT_LABELS } from '../../shared/labels.ts';

let dir: string;
let demoDb: string;
let server: RunningServer;
let video: { id: number; file: string };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-workspaces-'));
  demoDb = path.join(dir, 'demo.db');
  const store = openStore(demoDb);
  await buildDemo(store);
  store.close();
  const db = new Database(demoDb, { readonly: true });
  const v = db
    .prepare(
      `SELECT m.id, m.rel_path AS relPath, d.root FROM media m JOIN samples s ON s.id = m.sample_id
       JOIN datasets d ON d.id = s.dataset_id WHERE m.kind = 'video' AND m.present = 1 ORDER BY m.id LIMIT 1`,
    )
    .get() as { id: number; relPath: string; root: string };
  db.close();
  video = { id: v.id, file: path.join(v.root, v.relPath) };
  server = await startServer({ dbFile: demoDb, port: 0, rendererDir: path.join(dir, 'no-dist'), annotator: 'tester' });
}, 120_000);

afterAll(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const { api, value } = apiClient(() => server);
const media = (id: number) => fetch(`${server.origin}/media/${id}?token=${server.token}`);

describe('switching workspaces in browser mode', () => {
  const fresh = () => path.join(dir, 'fresh.db');

  it('creates a new, empty workspace with the default labels, and serves it from then on', async () => {
    const session = await value('openWorkspace', { path: fresh(), create: true });
    expect(session).toMatchObject({ workspace: fresh(), annotator: 'tester' });
    expect((await value('getSession')).workspace).toBe(fresh());
    expect(server.workspace).toBe(fresh());
    expect((await value('listResponses', {})).total).toBe(0);
    expect((await value('listLabels', {})).map((l: { key: string }) => l.key)).toEqual(DEFAULT_LABELS.map((l) => l.key));
    expect(DEFAULT_LABELS).toHaveLength(8);
    // media ids now resolve against the new (empty) workspace
    expect((await media(video.id)).status).toBe(404);
  });

  it('opens the demo workspace back by a relative path, with its data and media', async () => {
    const relative = path.relative(process.cwd(), demoDb);
    const session = await value('openWorkspace', { path: relative });
    expect(session.workspace).toBe(demoDb);
    expect((await value('listResponses', { limit: 5 })).total).toBeGreaterThan(5);
    const r = await media(video.id);
    expect(r.status).toBe(200);
    expect(Buffer.from(await r.arrayBuffer()).equals(fs.readFileSync(video.file))).toBe(true);
  });

  it('lists the open workspace and the recent ones, most recent first', async () => {
    const list = await value('listWorkspaces');
    expect(list.current).toBe(demoDb);
    expect(list.recent.map((e: { path: string }) => e.path)).toEqual([demoDb, fresh()]);
    for (const e of list.recent) {
      expect(e.exists).toBe(true);
      expect(Number.isNaN(Date.parse(e.openedAt))).toBe(false);
    }
    expect(Date.parse(list.recent[0].openedAt)).toBeGreaterThanOrEqual(Date.parse(list.recent[1].openedAt));
  });

  it('refuses a missing file without `create`, naming it, and keeps the workspace open', async () => {
    const missing = path.join(dir, 'nope', 'missing.db');
    const r = await api('openWorkspace', { path: missing });
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(r.body.error.message).toMatch(/^openWorkspace: /);
    expect(r.body.error.message).toContain(missing);
    expect((await value('getSession')).workspace).toBe(demoDb);
    // nor creates one in a folder that does not exist, nor "creates" one over an existing file
    expect(await api('openWorkspace', { path: missing, create: true })).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect(fs.existsSync(path.dirname(missing))).toBe(false);
    expect(await api('openWorkspace', { path: fresh(), create: true })).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
    expect((await value('getSession')).workspace).toBe(demoDb);
  });

  it('refuses a text file and a workspace from a newer cotscope with the store’s message, leaving both files untouched', async () => {
    const text = path.join(dir, 'notes.txt');
    fs.writeFileSync(text, 'not a workspace\n'.repeat(200));
    const before = fs.readFileSync(text);
    const r = await api('openWorkspace', { path: text });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(r.body.error.message).toContain(`${text}: cannot open as a workspace`);
    expect(fs.readFileSync(text).equals(before)).toBe(true);
    expect(fs.existsSync(`${text}-wal`)).toBe(false);

    const newer = path.join(dir, 'newer.db');
    openStore(newer).close();
    const db = new Database(newer);
    db.pragma('user_version = 99');
    db.close();
    const n = await api('openWorkspace', { path: newer });
    expect(n).toMatchObject({ status: 400, body: { ok: false, error: { code: 'invalid_input' } } });
    expect(n.body.error.message).toMatch(/newer cotscope/);

    expect((await value('getSession')).workspace).toBe(demoDb);
    expect((await value('listResponses', { limit: 1 })).total).toBeGreaterThan(5);
    expect((await value('listWorkspaces')).recent.map((e: { path: string }) => e.path)).toEqual([demoDb, fresh()]);
  });

  it('answers the calls sent while a switch happens, from one workspace or the other', async () => {
    const calls = [api('listResponses', { limit: 1 }), api('openWorkspace', { path: fresh() }), api('listResponses', { limit: 1 }), api('getSession')];
    const results = await Promise.all(calls);
    for (const r of results) expect(r.body, JSON.stringify(r.body)).toMatchObject({ ok: true });
    expect((await value('getSession')).workspace).toBe(fresh());
    expect((await value('listResponses', {})).total).toBe(0);
    expect((await value('listWorkspaces')).recent.map((e: { path: string }) => e.path)).toEqual([fresh(), demoDb]);
  });

  it('marks a recent workspace that is gone as missing', async () => {
    const gone = path.join(dir, 'gone.db');
    await value('openWorkspace', { path: gone, create: true });
    await value('openWorkspace', { path: demoDb });
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(gone + suffix, { force: true });
    const list = await value('listWorkspaces');
    expect(list.recent.map((e: { path: string; exists: boolean }) => [e.path, e.exists])).toEqual([
      [demoDb, true],
      [gone, false],
      [fresh(), true],
    ]);
  });
});
