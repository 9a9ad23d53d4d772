// Saves while another process writes to the workspace (a run import from the command line holds its write lock for
// the whole import): a save waits for the lock (every write transaction begins IMMEDIATE, so the busy timeout
// applies), and one that cannot get it in time is refused as `busy` with nothing written, never half-saved and never
// a bare "database is locked" error. Before, every such save failed within milliseconds.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/core/dispatch.ts';
import { importBenchmark } from '../../electron/core/import-benchmark.ts';
import { importRun } from '../../electron/core/import-run.ts';
import { SAVE_WAIT_MS, createService, type Service } from '../../electron/core/service.ts';
import { openStore, type Store } from '../../electron/core/store.ts';
import { holdWriteLock } from './lock-holder.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

let dir: string;
let db: string;
let store: Store;
let service: Service;
let ids: number[];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-busy-'));
  db = path.join(dir, 'w.db');
  store = openStore(db);
  await importBenchmark(store, [path.join(FIXTURES, 'root', 'annotations', 'validation_L1.jsonl')]);
  await importRun(store, path.join(FIXTURES, 'runs', 'eval_results_for_validation_L1.jsonl'), { name: 'rl-run', method: 'rl' });
  service = createService(store, { annotator: 'ana' });
  ids = (store.db.prepare('SELECT id FROM responses ORDER BY id').all() as { id: number }[]).map((r) => r.id);
}, 60_000);

afterAll(() => {
  store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const call = (method: string, input: unknown) => dispatch(service, method, input);
const counts = () => store.db.prepare('SELECT (SELECT COUNT(*) FROM tags) AS tags, (SELECT COUNT(*) FROM verdicts) AS verdicts, (SELECT COUNT(*) FROM history) AS history').get();

describe('saves while another process holds the write lock', () => {
  it('wait for a lock held shorter than the save wait, and every kind of save then succeeds', async () => {
    const created = await call('createTag', { responseId: ids[0], label: 'inconsistent' });
    expect(created.ok).toBe(true);
    const uuid = (created as { value: { uuid: string } }).value.uuid;
    const saves: [string, unknown][] = [
      ['createTag', { responseId: ids[1], label: 'hallucination', steps: [0, 0] }],
      ['updateTag', { uuid, note: 'answer contradicts step 2' }],
      ['setVerdict', { responseId: ids[0], supports: 'no', reviewStatus: 'done' }],
      ['undo', {}],
      ['redo', {}],
      ['deleteTag', { uuid }],
      ['saveLabel', { key: 'new-kind', name: 'New kind', description: '', color: '#123456', hotkey: null, target: 'span' }],
      ['retireLabel', { key: 'new-kind', retired: true }],
      ['setRunSettings', { name: 'rl-run', settings: { sampleFps: 2, minFrames: 4, maxFrames: 16 } }],
    ];
    for (const [method, input] of saves) {
      const lock = await holdWriteLock(db, 600);
      const t = Date.now();
      const r = await call(method, input);
      expect(r, `${method}: ${JSON.stringify(r)}`).toMatchObject({ ok: true });
      // It waited for the other process rather than failing at once.
      expect(Date.now() - t, method).toBeGreaterThan(300);
      await lock.released;
    }
  }, 60_000);

  it('refuse a save as `busy` when the lock is held past the save wait, write nothing, and save it when sent again', async () => {
    const before = counts();
    const lock = await holdWriteLock(db, 2 * SAVE_WAIT_MS + 1500);
    const t = Date.now();
    const r = await call('createTag', { responseId: ids[2], label: 'overlooked-cue', note: 'the lid is on the pan' });
    expect(Date.now() - t).toBeGreaterThanOrEqual(SAVE_WAIT_MS - 100);
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'busy',
        message: 'createTag: the workspace is busy: another program is writing to it (a run import, say), so nothing was saved; try again in a moment',
      },
    });
    const verdict = await call('setVerdict', { responseId: ids[2], supports: 'yes' });
    expect(verdict).toMatchObject({ ok: false, error: { code: 'busy' } });
    expect(counts()).toEqual(before);
    await lock.released;
    expect(await call('createTag', { responseId: ids[2], label: 'overlooked-cue', note: 'the lid is on the pan' })).toMatchObject({ ok: true });
    expect(await call('setVerdict', { responseId: ids[2], supports: 'yes' })).toMatchObject({ ok: true });
    const after = counts() as { tags: number; verdicts: number };
    expect(after.tags).toBe((before as { tags: number }).tags + 1);
    // The other process's own write committed too.
    expect(store.db.prepare("SELECT value FROM settings WHERE key = 'held-by-test'").pluck().get()).toBe('1');
  }, 60_000);
});
