import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../electron/core/migrate.ts';
import { openStore } from '../../electron/core/store.ts';
import { DEFAULT_LABELS } from '../../shared/labels.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-mig-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function plan(db: Database.Database, sql: string, ...params: unknown[]): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
}

describe('0001_init', () => {
  it('creates every table on an empty file, with WAL and foreign keys on', () => {
    const store = openStore(path.join(dir, 'w.db'));
    const { db } = store;
    expect(db.pragma('user_version', { simple: true })).toBe(loadMigrations().length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table') ORDER BY name").all() as { name: string }[]).map(
      (r) => r.name,
    );
    for (const t of ['datasets', 'samples', 'media', 'runs', 'imports', 'import_skips', 'responses', 'labels', 'annotators', 'tags', 'verdicts', 'suggestions', 'adjudications', 'history', 'settings', 'responses_fts']) {
      expect(tables).toContain(t);
    }
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'view'").all()).toEqual([{ name: 'steps' }]);
    store.close();
  });

  it('seeds the default taxonomy with stable keys and hotkeys', () => {
    const store = openStore(path.join(dir, 'w.db'));
    const labels = store.db.prepare('SELECT key, hotkey, target FROM labels ORDER BY sort_order').all();
    expect(labels).toEqual(DEFAULT_LABELS.map((l) => ({ key: l.key, hotkey: l.hotkey, target: l.target })));
    expect(labels.map((l: any) => l.key)).toEqual([
      'inconsistent', 'overlooked-cue', 'hallucination', 'wrong-next-step', 'ignored-goal', 'temporal-order', 'degenerate', 'format',
    ]);
    store.close();
  });

  it('enforces the schema: foreign keys, one response per run/sample/rollout, tag ranges in order', () => {
    const store = openStore(path.join(dir, 'w.db'));
    const { db } = store;
    const now = new Date().toISOString();
    expect(() => db.prepare("INSERT INTO media (sample_id, kind, rel_path, expected, present, checked_at) VALUES (999, 'video', 'x', 1, 0, ?)").run(now)).toThrow(/FOREIGN KEY/);
    db.prepare("INSERT INTO datasets (id, name, root, created_at) VALUES (1, 'd', NULL, ?)").run(now);
    db.prepare("INSERT INTO samples (id, dataset_id, level, sample_id, split, source_file, source_line, raw, imported_at) VALUES (1, 1, 'L1', '115', 'validation', 'f', 1, '{}', ?)").run(now);
    expect(() => db.prepare("INSERT INTO samples (dataset_id, level, sample_id, split, source_file, source_line, raw, imported_at) VALUES (1, 'L1', '115', 'validation', 'f', 2, '{}', ?)").run(now)).toThrow(/UNIQUE/);
    expect(() => db.prepare("INSERT INTO samples (dataset_id, level, sample_id, split, source_file, source_line, raw, imported_at) VALUES (1, 'L4', '1', 'validation', 'f', 2, '{}', ?)").run(now)).toThrow(/CHECK/);
    db.prepare("INSERT INTO runs (id, name, method, created_at) VALUES (1, 'rl', 'rl', ?)").run(now);
    db.prepare("INSERT INTO imports (id, kind, run_id, path, sha256, bytes, format, imported_at) VALUES (1, 'run', 1, 'f', 'h', 1, 'infer-py', ?)").run(now);
    const insertResponse = db.prepare(
      "INSERT INTO responses (run_id, sample_id, import_id, source_line, rollout, raw, correct, format_ok, score_disagreement, steps, step_count) VALUES (1, 1, 1, 1, ?, 'abc defgh', 0, 1, 0, '[[0,3],[4,9]]', 2)",
    );
    insertResponse.run(0);
    expect(() => insertResponse.run(0)).toThrow(/UNIQUE/);
    // The steps view gives the stored offsets as rows.
    expect(db.prepare('SELECT response_id, idx, start, end FROM steps ORDER BY idx').all()).toEqual([
      { response_id: 1, idx: 0, start: 0, end: 3 },
      { response_id: 1, idx: 1, start: 4, end: 9 },
    ]);
    db.prepare("INSERT INTO annotators (id, name, created_at) VALUES (1, 'ana', ?)").run(now);
    expect(() =>
      db.prepare("INSERT INTO tags (uuid, response_id, label_id, annotator_id, time_start, time_end, created_at, updated_at) VALUES ('u', 1, 1, 1, 5, 2, ?, ?)").run(now, now),
    ).toThrow(/CHECK/);
    store.close();
  });

  it('uses indexes for the hot queries', () => {
    const store = openStore(path.join(dir, 'w.db'));
    const { db } = store;
    expect(plan(db, 'SELECT id FROM samples WHERE level = ? AND sample_id = ?', 'L1', '1')).toMatch(/USING (COVERING )?INDEX sqlite_autoindex_samples_1/);
    expect(plan(db, 'SELECT * FROM steps WHERE response_id = ? ORDER BY idx', 1)).toMatch(/SEARCH x USING INTEGER PRIMARY KEY/);
    expect(plan(db, 'SELECT id FROM responses WHERE run_id = ? AND correct = 1', 1)).toMatch(/USING (COVERING )?INDEX responses_run_outcome/);
    expect(plan(db, 'SELECT id FROM responses WHERE sample_id = ?', 1)).toMatch(/USING (COVERING )?INDEX sqlite_autoindex_responses_1 \(sample_id=\?\)/);
    expect(plan(db, 'SELECT id FROM responses WHERE sample_id = ? AND run_id = ?', 1, 1)).toMatch(/USING (COVERING )?INDEX sqlite_autoindex_responses_1 \(sample_id=\? AND run_id=\?\)/);
    expect(plan(db, 'SELECT id FROM tags WHERE response_id = ? AND deleted_at IS NULL', 1)).toMatch(/USING INDEX tags_response/);
    store.close();
  });

  it('searches chains with full-text search', () => {
    const store = openStore(path.join(dir, 'w.db'));
    const { db } = store;
    db.prepare("INSERT INTO responses_fts (rowid, raw) VALUES (1, 'The kettle is boiling'), (2, 'Pour the milk')").run();
    expect(db.prepare("SELECT rowid FROM responses_fts WHERE responses_fts MATCH 'kettle'").all()).toEqual([{ rowid: 1 }]);
    store.close();
  });
});

describe('migration runner', () => {
  it('refuses a database written by a newer cotscope, and leaves it unchanged', () => {
    const file = path.join(dir, 'future.db');
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.exec('CREATE TABLE t (x)');
    raw.close();
    const before = fs.readFileSync(file);
    expect(() => openStore(file)).toThrow(/schema version 99.*newer cotscope/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it("refuses another program's SQLite database, and leaves it unchanged", () => {
    const file = path.join(dir, 'places.sqlite');
    const raw = new Database(file);
    raw.exec("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT); INSERT INTO moz_places (url) VALUES ('https://example.org')");
    raw.close();
    const before = fs.readFileSync(file);
    expect(() => openStore(file)).toThrow(/places\.sqlite is an SQLite database of another program \(it holds moz_places\), not a cotscope workspace; it was left untouched/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });

  it('refuses a file that is not a workspace with a clear message', () => {
    const file = path.join(dir, 'notes.txt');
    fs.writeFileSync(file, 'this is not a database, just some text that is long enough to have a header '.repeat(10));
    expect(() => openStore(file)).toThrow(/notes\.txt: cannot open as a workspace/);
  });

  it('refuses to create a workspace when asked to open an existing one', () => {
    expect(() => openStore(path.join(dir, 'missing.db'), { create: false })).toThrow(/no such workspace/);
  });

  it('runs pending migrations in one transaction after taking a copy, keeping the data', () => {
    const migrations = path.join(dir, 'migrations');
    fs.mkdirSync(migrations);
    // The runner is tested with a workspace at version 1 and made-up later migrations.
    for (const m of loadMigrations().slice(0, 1)) fs.writeFileSync(path.join(migrations, m.name), m.sql);
    const file = path.join(dir, 'w.db');
    const store = openStore(file, { migrationsDir: migrations });
    store.db.prepare("INSERT INTO annotators (name, created_at) VALUES ('ana', 'now')").run();
    store.close();

    // A release later adds two migrations.
    fs.writeFileSync(path.join(migrations, '0002_add_color.sql'), "ALTER TABLE annotators ADD COLUMN color TEXT NOT NULL DEFAULT '#000';");
    fs.writeFileSync(path.join(migrations, '0003_rename.sql'), 'CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);');
    const upgraded = openStore(file, { migrationsDir: migrations });
    expect(upgraded.migration).toMatchObject({ from: 1, to: 3 });
    expect(upgraded.db.prepare('SELECT name, color FROM annotators').all()).toEqual([{ name: 'ana', color: '#000' }]);
    const backup = upgraded.migration.backup!;
    expect(fs.existsSync(backup)).toBe(true);
    const copy = new Database(backup, { readonly: true });
    expect(copy.pragma('user_version', { simple: true })).toBe(1);
    expect(copy.prepare('SELECT name FROM annotators').all()).toEqual([{ name: 'ana' }]);
    copy.close();
    upgraded.close();
  });

  it('rolls back every pending migration when one fails', () => {
    const migrations = path.join(dir, 'migrations');
    fs.mkdirSync(migrations);
    // The runner is tested with a workspace at version 1 and made-up later migrations.
    for (const m of loadMigrations().slice(0, 1)) fs.writeFileSync(path.join(migrations, m.name), m.sql);
    const file = path.join(dir, 'w.db');
    openStore(file, { migrationsDir: migrations }).close();
    fs.writeFileSync(path.join(migrations, '0002_ok.sql'), 'CREATE TABLE fine (x);');
    fs.writeFileSync(path.join(migrations, '0003_broken.sql'), 'CREATE TABLE broken (;');
    expect(() => openStore(file, { migrationsDir: migrations })).toThrow(/0003_broken\.sql failed/);
    const db = new Database(file);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'fine'").get()).toBeUndefined();
    db.close();
  });

  it('refuses a gap in migration numbers', () => {
    const migrations = path.join(dir, 'migrations');
    fs.mkdirSync(migrations);
    fs.writeFileSync(path.join(migrations, '0001_a.sql'), 'CREATE TABLE a (x);');
    fs.writeFileSync(path.join(migrations, '0003_c.sql'), 'CREATE TABLE c (x);');
    const db = new Database(':memory:');
    expect(() => migrate(db, null, migrations)).toThrow(/without gaps/);
    db.close();
  });
});
