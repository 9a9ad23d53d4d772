// The service host's readers with the real threads, store and service: reads see every acknowledged write, name the
// same annotator as the writer, are answered while the writer waits for the write lock, and close with the host.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Result } from '../../shared/api.ts';
import { buildDemo } from '../../electron/core/demo.ts';
import { startServiceHost, type PooledServiceHost } from '../../electron/core/service-host.ts';
import { openStore } from '../../electron/core/store.ts';
import { startServer } from '../../electron/server/server.ts';
import { apiClient } from './api-client.ts';
import { bundle } from '../../scripts/build-electron.mjs';

let dir: string;
let template: string;
let file: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-readers-'));
  template = path.join(dir, 'template.db');
  const store = openStore(template);
  await buildDemo(store, undefined, { checks: false });
  store.close();
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let n = 0;
beforeEach(() => {
  file = path.join(dir, `w${++n}.db`);
  fs.copyFileSync(template, file);
});

const start = (readers = 2): Promise<PooledServiceHost> => startServiceHost(file, { annotator: 'ada', readers, waitForReaders: true });

async function value(host: PooledServiceHost, method: string, input: unknown = {}): Promise<any> {
  const r = await host.call(method, input);
  expect(r, `${method}: ${JSON.stringify(r)}`).toMatchObject({ ok: true });
  return (r as { value: unknown }).value;
}

/** The list as the library asks for it (every row the demo has fits one page). */
const rows = async (host: PooledServiceHost, filter: object = {}) =>
  ((await value(host, 'listResponses', { filter, limit: 500 })).rows as { id: number; supports: string | null; tagCount: number }[]);

const threads = () => fs.readdirSync('/proc/self/task').length;

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('service host readers (real threads)', () => {
  it('shows every acknowledged save in the very next read (read-your-writes)', async () => {
    const host = await start();
    expect(host.readers()).toMatchObject({ size: 2, ready: 2 });
    const ids = (await rows(host)).map((r) => r.id).slice(0, 20);
    expect(ids.length).toBeGreaterThanOrEqual(10);
    for (const id of ids) {
      const tag = await value(host, 'createTag', { responseId: id, label: 'hallucination' });
      expect((await rows(host, { labels: ['hallucination'] })).map((r) => r.id)).toContain(id);
      expect((await value(host, 'getResponse', { id })).tags.map((t: { uuid: string }) => t.uuid)).toContain(tag.uuid);
      await value(host, 'setVerdict', { responseId: id, supports: 'no' });
      expect((await rows(host)).find((r) => r.id === id)?.supports).toBe('no');
      await value(host, 'deleteTag', { uuid: tag.uuid });
      expect((await rows(host, { labels: ['hallucination'] })).map((r) => r.id)).not.toContain(id);
    }
    // undo (the writer's stacks) restores the last deleted tag; the next read shows it
    await value(host, 'undo');
    expect((await rows(host, { labels: ['hallucination'] })).map((r) => r.id)).toEqual([ids.at(-1)]);
    expect(await value(host, 'getSession')).toMatchObject({ canUndo: true, canRedo: true });
    // labels, runs, agreement: reads of what the writer saved
    await value(host, 'saveLabel', { key: 'new-label', name: 'New label', color: '#123456', target: 'response' });
    expect((await value(host, 'listLabels')).map((l: { key: string }) => l.key)).toContain('new-label');
    await host.close();
  });

  it('names the same annotator as the writer, before and after setAnnotator', async () => {
    const host = await start();
    const [first] = await rows(host);
    // no name stored yet: readers fall back to the host's annotator, as the writer does
    await value(host, 'setVerdict', { responseId: first.id, supports: 'yes' });
    expect((await rows(host)).find((r) => r.id === first.id)?.supports).toBe('yes');

    expect(await value(host, 'setAnnotator', { name: 'bob' })).toMatchObject({ annotator: 'bob' });
    expect((await rows(host)).find((r) => r.id === first.id)?.supports).toBeNull();
    expect((await rows(host, { verdict: 'none' })).map((r) => r.id)).toContain(first.id);
    await value(host, 'setVerdict', { responseId: first.id, supports: 'no' });
    expect((await rows(host)).find((r) => r.id === first.id)?.supports).toBe('no');
    expect((await value(host, 'listAnnotators')).map((a: { name: string }) => a.name)).toEqual(['ada', 'bob']);

    await value(host, 'setAnnotator', { name: 'ada' });
    expect((await rows(host)).find((r) => r.id === first.id)?.supports).toBe('yes');
    await host.close();

    // a fresh host (a switch back to this workspace) reads the stored name, whatever it was started with
    const again = await startServiceHost(file, { annotator: 'carol', waitForReaders: true });
    expect((await value(again, 'getSession')).annotator).toBe('ada');
    expect((await rows(again)).find((r) => r.id === first.id)?.supports).toBe('yes');
    await again.close();
  });

  it('answers a list while the writer waits for the write lock another process holds', async () => {
    for (const readers of [2, 0]) {
      const host = await start(readers);
      const [first] = await rows(host);
      const other = new Database(file);
      other.exec('BEGIN IMMEDIATE'); // another program writing (a CLI import, say)
      let saved = false;
      const save = host.call('createTag', { responseId: first.id, label: 'hallucination' }).then((r) => {
        saved = true;
        return r;
      });
      await new Promise((r) => setTimeout(r, 100)); // the writer is now inside SQLite's busy wait
      const t0 = Date.now();
      let list: Result<unknown>;
      if (readers > 0) {
        list = await host.call('listResponses', {});
        expect(Date.now() - t0).toBeLessThan(1000);
        expect(saved).toBe(false); // answered while the save still waits
        other.exec('COMMIT');
      } else {
        // the one thread answers in order: the list waits behind the save
        const pending = host.call('listResponses', {});
        await new Promise((r) => setTimeout(r, 300));
        other.exec('COMMIT');
        list = await pending;
        expect(saved).toBe(true);
      }
      other.close();
      expect(list).toMatchObject({ ok: true });
      expect(await save).toMatchObject({ ok: true }); // the lock came free in time: saved
      expect((await rows(host, { labels: ['hallucination'] })).map((r) => r.id)).toEqual([first.id]);
      await host.close();
      fs.copyFileSync(template, file);
    }
  });

  it('checks every read against the contract on the reader', async () => {
    const host = await start();
    expect(await host.call('listResponses', { limit: 0 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/^listResponses: field `limit`/) },
    });
    expect(await host.call('getResponse', { id: 999_999 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await host.call('compareMatrix', { runs: ['no-such-run', 'sft'] })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    await host.close();
  });

  it('closes every reader with the writer: no thread left, the WAL file removed, the workspace free', async () => {
    await fs.promises.readFile(file); // libuv's thread pool is up before counting
    const before = threads();
    const host = await start();
    expect(threads()).toBeGreaterThan(before);
    await rows(host);
    expect(fs.existsSync(`${file}-wal`)).toBe(true);
    await host.close();
    await until(() => threads() <= before);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    // nothing holds the file: another connection takes it exclusively at once
    const db = new Database(file, { timeout: 0 });
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
    db.close();
  });

  it('runs the readers from the Electron bundle\'s worker script too', async () => {
    const out = path.join(fileURLToPath(new URL('../../', import.meta.url)), 'out', `readers-test-${process.pid}`);
    try {
      await bundle(out);
      const host = await startServiceHost(file, { workerScript: path.join(out, 'service-worker.mjs'), readers: 2, waitForReaders: true });
      expect(host.readers()).toMatchObject({ size: 2, ready: 2, lastFailure: null });
      expect((await rows(host)).length).toBeGreaterThan(0);
      await host.close();
      expect(fs.existsSync(`${file}-wal`)).toBe(false);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);

  it('serves browser mode from the readers: a save through HTTP shows in the next list', async () => {
    const server = await startServer({ dbFile: file, port: 0, rendererDir: path.join(dir, 'no-dist'), annotator: 'ada', hostOptions: { waitForReaders: true } });
    const { value: call } = apiClient(() => server);
    const page = await call('listResponses', { limit: 500 });
    for (const row of page.rows.slice(0, 10)) {
      await call('setVerdict', { responseId: row.id, supports: 'unclear' });
      const listed = await call('listResponses', { filter: { verdict: 'unclear' }, limit: 500 });
      expect(listed.rows.map((r: { id: number }) => r.id)).toContain(row.id);
    }
    await server.close();
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });
});
