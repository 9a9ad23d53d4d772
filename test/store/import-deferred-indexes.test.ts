// A large run import builds the indexes led by step count and by question (DEFERRED_INDEXES) once at the end instead
// of row by row, and adds to the full-text index without merging its segments: the workspace it leaves must be the
// one a row-by-row import leaves (same indexes, same entries, same search results), and an import that fails must
// leave them as they were. An exclusive import (the CLI's) writes through a rollback journal and leaves the same.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBenchFiles } from '../../bench/generate.ts';
import { importBenchmark } from '../../electron/core/import-benchmark.ts';
import Database from 'better-sqlite3';
import { DEFERRED_INDEXES, ImportRefused, importRun, type ImportTimings } from '../../electron/core/import-run.ts';
import { openStore, type Store } from '../../electron/core/store.ts';

let dir: string;
let files: { annotations: string; run: string };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-defer-'));
  files = await writeBenchFiles(dir, 3000, 40);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function workspace(name: string): Promise<Store> {
  const store = openStore(path.join(dir, `${name}.db`));
  await importBenchmark(store, [files.annotations], {});
  return store;
}

const indexSql = (store: Store) =>
  Object.fromEntries(
    DEFERRED_INDEXES.map((name) => [name, store.db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?").pluck().get(name)]),
  );
/** Every response in each deferred index's order, read from that index. */
const inIndexOrder = (store: Store) => ({
  steps: store.db.prepare('SELECT id FROM responses INDEXED BY responses_steps ORDER BY step_count, sample_id, run_id, rollout').pluck().all(),
  predictions: store.db
    .prepare('SELECT id, prediction FROM responses INDEXED BY responses_predictions WHERE sample_id > 0 ORDER BY sample_id, run_id, rollout')
    .raw()
    .all(),
  list: store.db
    .prepare(
      `SELECT id, correct, format_ok, score_disagreement, step_count FROM responses INDEXED BY responses_list
        WHERE sample_id > 0 ORDER BY sample_id, run_id, rollout`,
    )
    .raw()
    .all(),
  // What a search finds, and that the full-text index agrees with the chains it indexes.
  search: ['kettle', '"the video shows"', 'fridge OR drawer'].map((q) =>
    store.db.prepare('SELECT rowid FROM responses_fts WHERE responses_fts MATCH ? ORDER BY rowid').pluck().all(q),
  ),
  ftsIntact: store.db.prepare("INSERT INTO responses_fts (responses_fts) VALUES ('integrity-check')").run().changes >= 0,
});
/** The full-text index's automerge setting as stored (null: never set, FTS5's default). */
const automerge = (store: Store) => store.db.prepare("SELECT v FROM responses_fts_config WHERE k = 'automerge'").pluck().get() ?? null;

describe('run import with the deferred indexes built at the end', () => {
  it('leaves the same indexes, with the same entries, as the row-by-row import', async () => {
    const kept = await workspace('row-by-row');
    const built = await workspace('deferred');
    const before = indexSql(built);
    expect(Object.values(before).every((sql) => typeof sql === 'string')).toBe(true);

    const keptTimings = {} as ImportTimings;
    const builtTimings = {} as ImportTimings;
    await importRun(kept, files.run, { name: 'rl', method: 'rl', deferIndexes: false, timings: keptTimings });
    await importRun(built, files.run, { name: 'rl', method: 'rl', deferIndexes: true, timings: builtTimings });
    expect(keptTimings.deferred_indexes).toBe(0);
    expect(builtTimings.deferred_indexes).toBeGreaterThan(0);

    expect(indexSql(built)).toEqual(before);
    expect(built.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(inIndexOrder(built)).toEqual(inIndexOrder(kept));
    expect(inIndexOrder(built).steps).toHaveLength(3000);
    expect(inIndexOrder(built).search[0].length).toBeGreaterThan(100);
    // The import merged no segments of its own, and put the workspace's merging back as it was (FTS5's default).
    expect(automerge(built)).toBe(4);

    // A second run on top: the first run's entries are rebuilt with the second's.
    const sft = path.join(dir, 'sft.jsonl');
    fs.writeFileSync(sft, fs.readFileSync(files.run, 'utf8').split('\n').slice(0, 500).join('\n'));
    await importRun(kept, sft, { name: 'sft', method: 'sft', deferIndexes: false });
    await importRun(built, sft, { name: 'sft', method: 'sft', deferIndexes: true });
    expect(built.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(inIndexOrder(built)).toEqual(inIndexOrder(kept));
    expect(inIndexOrder(built).steps).toHaveLength(3500);
    kept.close();
    built.close();
  });

  it('leaves the indexes in place when the import is refused', async () => {
    const store = await workspace('refused');
    await importRun(store, files.run, { name: 'rl', method: 'rl' });
    store.db.exec("INSERT INTO responses_fts (responses_fts, rank) VALUES ('automerge', 8)"); // a workspace's own choice
    const before = indexSql(store);
    const order = inIndexOrder(store);
    const bad = path.join(dir, 'bad.jsonl');
    fs.writeFileSync(bad, fs.readFileSync(files.run, 'utf8') + '{"sample_id": 1, "response": \n');
    await expect(importRun(store, bad, { name: 'sft', method: 'sft', strict: true, deferIndexes: true })).rejects.toBeInstanceOf(ImportRefused);
    expect(indexSql(store)).toEqual(before);
    expect(inIndexOrder(store)).toEqual(order);
    expect(automerge(store)).toBe(8);
    expect(store.db.prepare("SELECT count(*) FROM runs WHERE name = 'sft'").pluck().get()).toBe(0);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    store.close();
  });

  it('imports exclusively through a rollback journal, and the workspace is in WAL mode with foreign keys on after', async () => {
    const kept = await workspace('wal-import');
    const excl = await workspace('exclusive-import');
    await importRun(kept, files.run, { name: 'rl', method: 'rl' });
    let modeDuring = '';
    await importRun(excl, files.run, {
      name: 'rl',
      method: 'rl',
      exclusive: true,
      onProgress: () => (modeDuring = excl.db.pragma('journal_mode', { simple: true }) as string),
    });
    expect(modeDuring).toBe('delete');
    expect(excl.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(excl.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(excl.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(excl.db.pragma('foreign_key_check')).toEqual([]);
    expect(inIndexOrder(excl)).toEqual(inIndexOrder(kept));

    // Refused, it leaves the workspace as it was, in WAL mode with foreign keys on.
    const order = inIndexOrder(excl);
    const bad = path.join(dir, 'bad-exclusive.jsonl');
    fs.writeFileSync(bad, fs.readFileSync(files.run, 'utf8') + '{"sample_id": 1, "response": \n');
    await expect(importRun(excl, bad, { name: 'sft', method: 'sft', strict: true, exclusive: true })).rejects.toBeInstanceOf(ImportRefused);
    expect(excl.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(excl.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(inIndexOrder(excl)).toEqual(order);
    kept.close();
    excl.close();
  });

  it('imports in WAL mode, without waiting, when another connection has the workspace open', async () => {
    const store = await workspace('shared');
    const other = new Database(store.file);
    other.prepare('SELECT count(*) FROM samples').get(); // holds the workspace open in WAL mode
    // Were the switch to wait for the other connection, it would wait ten minutes: the test would time out.
    store.db.pragma('busy_timeout = 600000');
    let modeDuring = '';
    const r = await importRun(store, files.run, {
      name: 'rl',
      method: 'rl',
      exclusive: true,
      onProgress: () => (modeDuring = store.db.pragma('journal_mode', { simple: true }) as string),
    });
    expect(store.db.pragma('busy_timeout', { simple: true })).toBe(600000);
    expect(r.imported).toBe(3000);
    expect(modeDuring).toBe('wal');
    expect(other.prepare('SELECT count(*) FROM responses').pluck().get()).toBe(3000);
    other.close();
    store.close();
  });
});
