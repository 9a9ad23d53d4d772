// Two processes on one workspace, through browser mode's HTTP API: while another process holds the write lock (as a
// command-line run import does), every save is either acknowledged (200) or clearly refused (503 `busy`, with
// Retry-After, nothing written); sent again after the lock is released, the refused ones are saved, and every
// acknowledged save is in the workspace.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBenchmark } from '../../electron/core/import-benchmark.ts';
import { importRun } from '../../electron/core/import-run.ts';
import { SAVE_WAIT_MS } from '../../electron/core/service.ts';
import { openStore } from '../../electron/core/store.ts';
import { startServer, type RunningServer } from '../../electron/server/server.ts';
import { holdWriteLock } from '../store/lock-holder.ts';
import { apiClient } from './api-client.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

let dir: string;
let db: string;
let server: RunningServer;
let ids: number[];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-busy-http-'));
  db = path.join(dir, 'w.db');
  const store = openStore(db);
  await importBenchmark(store, [path.join(FIXTURES, 'root', 'annotations', 'validation_L1.jsonl')]);
  await importRun(store, path.join(FIXTURES, 'runs', 'eval_results_for_validation_L1.jsonl'), { name: 'rl-run', method: 'rl' });
  ids = (store.db.prepare('SELECT id FROM responses ORDER BY id').all() as { id: number }[]).map((r) => r.id);
  store.close();
  server = await startServer({ dbFile: db, port: 0, rendererDir: path.join(dir, 'no-dist'), annotator: 'ana' });
}, 60_000);

afterAll(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const { value } = apiClient(() => server);

async function save(note: string): Promise<{ status: number; retryAfter: string | null; body: any }> {
  const r = await fetch(`${server.origin}/api/createTag`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Cotscope-Token': server.token },
    body: JSON.stringify({ responseId: ids[0], label: 'inconsistent', note }),
  });
  return { status: r.status, retryAfter: r.headers.get('retry-after'), body: await r.json() };
}

describe('saves over HTTP while another process writes', () => {
  it('acknowledges or clearly refuses every save; refused ones are saved when sent again; every acknowledged save is there', async () => {
    const lock = await holdWriteLock(db, 2 * SAVE_WAIT_MS + 1000);
    const notes = Array.from({ length: 12 }, (_, i) => `note ${i}`);
    // Some at once, some as the lock is about to go: each answer is one or the other, never a 500.
    const first = await Promise.all(notes.slice(0, 8).map(save));
    await lock.released;
    const rest = await Promise.all(notes.slice(8).map(save));
    const answers = [...first, ...rest];
    for (const a of answers) {
      expect([200, 503], JSON.stringify(a.body)).toContain(a.status);
      if (a.status === 503) {
        expect(a.retryAfter).toBe('1');
        expect(a.body.error).toMatchObject({ code: 'busy', message: expect.stringMatching(/^createTag: the workspace is busy: .*nothing was saved/) });
      }
    }
    expect(first.some((a) => a.status === 503)).toBe(true);
    expect(rest.every((a) => a.status === 200)).toBe(true);
    // Sent again, as the app does, the refused ones are saved.
    for (const [i, a] of answers.entries()) if (a.status === 503) expect((await save(notes[i])).status).toBe(200);
    const tags = (await value('getResponse', { id: ids[0] })).tags as { note: string }[];
    expect(tags.map((t) => t.note).sort()).toEqual([...notes].sort());
  }, 60_000);
});
