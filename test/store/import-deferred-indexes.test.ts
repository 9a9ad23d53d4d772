// A large run import builds the indexes led by step count and by question (DEFERRED_INDEXES) once at the end instead
// of row by row: the workspace it leaves must be the one a row-by-row import leaves (same indexes, same entries), and
// an import that fails must leave them as they were.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBenchFiles } from '../../bench/generate.ts';
import { importBenchmark } from '../../electron/core/import-benchmark.ts';
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
});

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
    const before = indexSql(store);
    const order = inIndexOrder(store);
    const bad = path.join(dir, 'bad.jsonl');
    fs.writeFileSync(bad, fs.readFileSync(files.run, 'utf8') + '{"sample_id": 1, "response": \n');
    await expect(importRun(store, bad, { name: 'sft', method: 'sft', strict: true, deferIndexes: true })).rejects.toBeInstanceOf(ImportRefused);
    expect(indexSql(store)).toEqual(before);
    expect(inIndexOrder(store)).toEqual(order);
    expect(store.db.prepare("SELECT count(*) FROM runs WHERE name = 'sft'").pluck().get()).toBe(0);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    store.close();
  });
});
