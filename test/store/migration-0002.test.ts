// 0002_responses_list: a workspace made at schema version 1, with data, is migrated and its list queries use the new index.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildDemo } from '../../electron/core/demo.ts';
import { dispatch } from '../../electron/core/dispatch.ts';
import { loadMigrations } from '../../electron/core/migrate.ts';
import { createService } from '../../electron/core/service.ts';
import { openStore } from '../../electron/core/store.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-mig2-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const plan = (db: any, sql: string, ...params: unknown[]) =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');

describe('0002_responses_list', () => {
  it('migrates a version-1 workspace with its data, and the list reads the new index', async () => {
    const v1 = path.join(dir, 'migrations-v1');
    fs.mkdirSync(v1);
    const [init] = loadMigrations();
    fs.writeFileSync(path.join(v1, init.name), init.sql);
    const file = path.join(dir, 'w.db');
    const old = openStore(file, { migrationsDir: v1 });
    await buildDemo(old, undefined, { checks: false });
    const now = new Date().toISOString();
    old.db.prepare("INSERT INTO annotators (id, name, created_at) VALUES (1, 'ana', ?)").run(now);
    old.db
      .prepare("INSERT INTO tags (uuid, response_id, label_id, annotator_id, step_start, step_end, created_at, updated_at) VALUES ('t-1', 3, 1, 1, 0, 1, ?, ?)")
      .run(now, now);
    const before = {
      responses: old.db.prepare('SELECT * FROM responses ORDER BY id').all(),
      tags: old.db.prepare('SELECT * FROM tags').all(),
    };
    expect(old.db.prepare("SELECT name FROM sqlite_master WHERE name = 'responses_list'").get()).toBeUndefined();
    old.close();

    // Up to version 2 exactly (later migrations have their own tests).
    const v2 = path.join(dir, 'migrations-v2');
    fs.mkdirSync(v2);
    for (const m of loadMigrations().slice(0, 2)) fs.writeFileSync(path.join(v2, m.name), m.sql);
    const store = openStore(file, { migrationsDir: v2 });
    try {
      expect(store.migration).toMatchObject({ from: 1, to: 2 });
      expect(fs.existsSync(store.migration.backup!)).toBe(true);
      const { db } = store;
      expect(db.pragma('user_version', { simple: true })).toBe(2);
      expect(db.prepare('SELECT * FROM responses ORDER BY id').all()).toEqual(before.responses);
      expect(db.prepare('SELECT * FROM tags').all()).toEqual(before.tags);
      expect((db.prepare("PRAGMA index_info('responses_list')").all() as { name: string }[]).map((c) => c.name)).toEqual([
        'sample_id', 'run_id', 'rollout', 'correct', 'format_ok', 'score_disagreement', 'step_count',
      ]);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');

      // The list's hot shapes: a page in sample order with an outcome filter, and a sort by step count, read the index only.
      expect(plan(db, 'SELECT x.id FROM responses x INDEXED BY responses_list WHERE x.format_ok = 0 ORDER BY x.sample_id, x.run_id, x.rollout LIMIT 100'))
        .toBe('SCAN x USING COVERING INDEX responses_list');
      expect(plan(db, 'SELECT x.id FROM responses x WHERE x.correct = 1 ORDER BY x.step_count DESC LIMIT 100')).toMatch(
        /^SCAN x USING COVERING INDEX responses_list \| USE TEMP B-TREE FOR ORDER BY$/,
      );
      // 0001's own hot queries keep their indexes.
      expect(plan(db, 'SELECT id FROM responses WHERE run_id = ? AND correct = 1', 1)).toMatch(/INDEX responses_run_outcome/);
      expect(plan(db, 'SELECT id FROM tags WHERE response_id = ? AND deleted_at IS NULL', 1)).toMatch(/INDEX tags_response/);

      // The migrated workspace serves the API, its old tag included (found by its annotator: the label filter reads the
      // marks of version 4).
      const service = createService(store, { annotator: 'ana' });
      const page = await dispatch(service, 'listResponses', { filter: { annotator: db.prepare('SELECT a.name FROM tags t JOIN annotators a ON a.id = t.annotator_id').pluck().get() as string } });
      expect(page).toMatchObject({ ok: true, value: { total: 1, rows: [{ id: 3, tagCount: 1 }] } });
      expect(await dispatch(service, 'listResponses', { filter: { formatOk: false }, limit: 1 })).toMatchObject({ ok: true, value: { total: 6 } });
    } finally {
      store.close();
    }
  });
});
