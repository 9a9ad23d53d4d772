// The read-only opening of a workspace (store.ts openStoreReadOnly) that the service host's readers use: it never
// creates, migrates or writes the file, and refuses what is not a workspace at this cotscope's schema.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMigrations } from '../../electron/core/migrate.ts';
import { openStore, openStoreReadOnly } from '../../electron/core/store.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-ro-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const latest = loadMigrations().length;

describe('openStoreReadOnly', () => {
  it('reads what the writer committed, and refuses to write anything', () => {
    const file = path.join(dir, 'w.db');
    const writer = openStore(file);
    const reader = openStoreReadOnly(file);
    expect(reader.migration).toEqual({ from: latest, to: latest, backup: null });
    const labels = () => reader.db.prepare('SELECT COUNT(*) FROM labels').pluck().get() as number;
    const before = labels();
    writer.db.prepare("INSERT INTO labels (key, name, description, color, target, sort_order, created_at, updated_at) VALUES ('x', 'X', '', '#000000', 'response', 99, '', '')").run();
    expect(labels()).toBe(before + 1);
    expect(() => reader.db.prepare("UPDATE labels SET name = 'Y' WHERE key = 'x'").run()).toThrow(/readonly/i);
    expect(() => reader.db.exec('CREATE TEMP TABLE scratch (a)')).toThrow();
    expect(() => reader.db.pragma('user_version = 1')).toThrow();
    reader.close();
    writer.close();
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });

  it('does not create a missing file', () => {
    const file = path.join(dir, 'missing.db');
    expect(() => openStoreReadOnly(file)).toThrow(expect.objectContaining({ code: 'not_found' }));
    expect(fs.existsSync(file)).toBe(false);
  });

  it('does not migrate: a workspace at an older schema is refused and left as it was', () => {
    const file = path.join(dir, 'old.db');
    openStore(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${latest - 1}`);
    raw.close();
    const bytes = fs.readFileSync(file);
    expect(() => openStoreReadOnly(file)).toThrow(/a reader does not migrate/);
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
  });

  it('refuses a newer workspace and another program\'s database', () => {
    const newer = path.join(dir, 'newer.db');
    openStore(newer).close();
    const raw = new Database(newer);
    raw.pragma(`user_version = ${latest + 1}`);
    raw.close();
    expect(() => openStoreReadOnly(newer)).toThrow(/written by a newer cotscope/);

    const foreign = path.join(dir, 'foreign.db');
    const other = new Database(foreign);
    other.exec('CREATE TABLE invoices (id INTEGER)');
    other.close();
    expect(() => openStoreReadOnly(foreign)).toThrow(expect.objectContaining({ code: 'foreign' }));
  });
});
