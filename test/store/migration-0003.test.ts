// 0003_rare_outcomes: a version-2 workspace with data is migrated; counting disagreements and format errors reads the
// new partial indexes, and the list answers exactly as before.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildDemo } from '../../electron/core/demo.ts';
import { dispatch } from '../../electron/core/dispatch.ts';
import { loadMigrations } from '../../electron/core/migrate.ts';
import { createService } from '../../electron/core/service.ts';
import { openStore } from '../../electron/core/store.ts';
import type { ResponsePage } from '../../shared/api.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-mig3-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const plan = (db: any, sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
const FILTERS = [{ disagreement: true }, { disagreement: true, formatOk: true }, { formatOk: false }, { formatOk: false, correct: true }, { correct: false }];

async function lists(service: ReturnType<typeof createService>) {
  const out = [];
  for (const filter of FILTERS) {
    const r = await dispatch(service, 'listResponses', { filter, limit: 500 });
    if (!r.ok) throw new Error(r.error.message);
    const page = r.value as ResponsePage;
    out.push({ total: page.total, ids: page.rows.map((x) => x.id) });
  }
  return out;
}

describe('0003_rare_outcomes', () => {
  it('migrates a version-2 workspace, keeps its data and list answers, and counts rare outcomes from the new indexes', async () => {
    const v2 = path.join(dir, 'migrations-v2');
    fs.mkdirSync(v2);
    for (const m of loadMigrations().slice(0, 2)) fs.writeFileSync(path.join(v2, m.name), m.sql);
    const file = path.join(dir, 'w.db');
    const old = openStore(file, { migrationsDir: v2 });
    await buildDemo(old, undefined, { checks: false });
    const before = {
      responses: old.db.prepare('SELECT * FROM responses ORDER BY id').all(),
      lists: await lists(createService(old, { annotator: 'ana' })),
    };
    expect(before.lists[0].total).toBeGreaterThan(0);
    expect(before.lists[2].total).toBeGreaterThan(0);
    old.close();

    // Up to version 3 exactly (later migrations have their own tests).
    const v3 = path.join(dir, 'migrations-v3');
    fs.mkdirSync(v3);
    for (const m of loadMigrations().slice(0, 3)) fs.writeFileSync(path.join(v3, m.name), m.sql);
    const store = openStore(file, { migrationsDir: v3 });
    try {
      expect(store.migration).toMatchObject({ from: 2, to: 3 });
      expect(fs.existsSync(store.migration.backup!)).toBe(true);
      const { db } = store;
      expect(db.prepare('SELECT * FROM responses ORDER BY id').all()).toEqual(before.responses);
      expect(await lists(createService(store, { annotator: 'ana' }))).toEqual(before.lists);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      // The counts behind the list's total, as the list writes them (literal 0/1 so the partial indexes apply).
      expect(plan(db, 'SELECT COUNT(*) FROM responses x WHERE x.score_disagreement = 1')).toMatch(/COVERING INDEX responses_disagreement/);
      expect(plan(db, 'SELECT COUNT(*) FROM responses x WHERE x.format_ok = 1 AND x.score_disagreement = 1')).toMatch(
        /COVERING INDEX responses_disagreement \(format_ok=\?\)/,
      );
      expect(plan(db, 'SELECT COUNT(*) FROM responses x WHERE x.format_ok = 0')).toMatch(/COVERING INDEX responses_format_error/);
    } finally {
      store.close();
    }
  });
});
