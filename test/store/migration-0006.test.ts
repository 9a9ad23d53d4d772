// 0006_search_index_buffer: a version-5 workspace with data is migrated; its search answers exactly as before, the
// full-text index gets the larger buffer, and chains imported afterwards are found like the ones before.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeBenchFiles } from '../../bench/generate.ts';
import { buildDemo } from '../../electron/core/demo.ts';
import { dispatch } from '../../electron/core/dispatch.ts';
import { importBenchmark } from '../../electron/core/import-benchmark.ts';
import { importRun } from '../../electron/core/import-run.ts';
import { loadMigrations } from '../../electron/core/migrate.ts';
import { createService } from '../../electron/core/service.ts';
import { openStore } from '../../electron/core/store.ts';
import type { ResponsePage } from '../../shared/api.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-mig6-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** What the library's search box finds: words, a phrase, a prefix, OR and NOT. */
const SEARCHES = ['kettle', 'the video', '"next step"', 'tap*', 'kettle OR fridge', 'kettle NOT water', 'nothingmatchesthis'];

async function searches(service: ReturnType<typeof createService>) {
  const out: Record<string, { total: number; ids: number[] }> = {};
  for (const text of SEARCHES) {
    const r = await dispatch(service, 'listResponses', { filter: { text }, limit: 500 });
    if (!r.ok) throw new Error(r.error.message);
    const page = r.value as ResponsePage;
    out[text] = { total: page.total, ids: page.rows.map((x) => x.id) };
  }
  return out;
}

function migrationsUpTo(version: number): string {
  const d = path.join(dir, `migrations-v${version}`);
  fs.mkdirSync(d);
  for (const m of loadMigrations().slice(0, version)) fs.writeFileSync(path.join(d, m.name), m.sql);
  return d;
}

describe('0006_search_index_buffer', () => {
  it('migrates a version-5 workspace: same search answers, a 64 MiB index buffer, later imports found as well', async () => {
    const file = path.join(dir, 'w.db');
    const old = openStore(file, { migrationsDir: migrationsUpTo(5) });
    await buildDemo(old, undefined, { checks: false });
    const before = await searches(createService(old, { annotator: 'ana' }));
    expect(before.kettle.total).toBeGreaterThan(0);
    expect(before['"next step"'].total).toBeGreaterThan(0);
    expect(old.db.prepare("SELECT v FROM responses_fts_config WHERE k = 'hashsize'").pluck().get()).toBeUndefined();
    old.close();

    const store = openStore(file, { migrationsDir: migrationsUpTo(6) });
    try {
      expect(store.migration).toMatchObject({ from: 5, to: 6 });
      const { db } = store;
      expect(db.prepare("SELECT v FROM responses_fts_config WHERE k = 'hashsize'").pluck().get()).toBe(64 << 20);
      const service = createService(store, { annotator: 'ana' });
      expect(await searches(service)).toEqual(before);

      // A run imported after the migration: its chains are searchable with everything else, and the index agrees
      // with the stored text.
      const files = await writeBenchFiles(dir, 5_000, 50);
      await importBenchmark(store, [files.annotations], {});
      const r = await importRun(store, files.run, { name: 'after', method: 'rl', checks: false });
      expect(r.imported).toBe(5_000);
      expect(() => db.prepare("INSERT INTO responses_fts (responses_fts) VALUES ('integrity-check')").run()).not.toThrow();
      const after = await searches(service);
      const inRun = db.prepare("SELECT COUNT(*) FROM responses x JOIN runs r ON r.id = x.run_id WHERE r.name = 'after' AND x.raw LIKE '%kettle%'").pluck().get() as number;
      expect(inRun).toBeGreaterThan(0);
      expect(after.kettle.total).toBe(before.kettle.total + inRun);
      expect(after.nothingmatchesthis.total).toBe(0);
    } finally {
      store.close();
    }
  });
});
