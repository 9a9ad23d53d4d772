// Schema migrations keyed by PRAGMA user_version: migrations/NNNN_name.sql, numbered from 1, append-only.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { CotscopeError } from './errors.ts';
import { writeTransaction } from './util.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const found = fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .map((f) => ({ version: Number(f.slice(0, 4)), name: f, sql: fs.readFileSync(path.join(dir, f), 'utf8') }))
    .sort((a, b) => a.version - b.version);
  found.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new CotscopeError(`migrations in ${dir} must be numbered 0001, 0002, … without gaps; found ${m.name}`);
    }
  });
  return found;
}

/**
 * Throws when the database's schema is newer than `latest`. Call it before anything writes to the file (even
 * `journal_mode`), so a refused file is left byte for byte as it was.
 */
export function refuseNewer(db: Database.Database, file: string | null, latest: number): number {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > latest) {
    throw new CotscopeError(
      `${file ?? 'this database'} has schema version ${version}, but this cotscope knows only up to version ${latest}: ` +
        'it was written by a newer cotscope. Upgrade cotscope to open it (the file was not changed).',
    );
  }
  return version;
}

/**
 * Refuses an SQLite database that some other program made (tables, but no cotscope schema version): opening it as a
 * workspace would switch it to WAL mode and add cotscope's tables to the other program's file.
 */
export function refuseForeign(db: Database.Database, file: string | null): void {
  if ((db.pragma('user_version', { simple: true }) as number) !== 0) return;
  const names = db.prepare("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY rowid LIMIT 4").pluck().all() as string[];
  if (names.length === 0) return;
  throw new CotscopeError(
    `${file ?? 'this database'} is an SQLite database of another program (it holds ${names.slice(0, 3).join(', ')}` +
      `${names.length > 3 ? ', …' : ''}), not a cotscope workspace; it was left untouched. Open a workspace, or give a new ` +
      'file name to create one.',
    'foreign',
  );
}

export interface MigrationResult {
  from: number;
  to: number;
  backup: string | null;
}

/**
 * Brings the database up to the newest schema. All pending migrations run in one transaction; when the database
 * already holds data, a copy is written beside it first. A database from a newer cotscope is refused.
 */
export function migrate(db: Database.Database, file: string | null, dir: string = MIGRATIONS_DIR): MigrationResult {
  const migrations = loadMigrations(dir);
  const latest = migrations.length;
  const from = refuseNewer(db, file, latest);
  if (from === latest) return { from, to: latest, backup: null };

  let backup: string | null = null;
  if (file !== null && from > 0) {
    backup = `${file}.bak-v${from}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    // VACUUM INTO writes a consistent copy, including anything still in the WAL.
    db.prepare('VACUUM INTO ?').run(backup);
  }
  const pending = migrations.slice(from);
  writeTransaction(db, () => {
    for (const m of pending) {
      try {
        db.exec(m.sql);
      } catch (err) {
        throw new CotscopeError(`migration ${m.name} failed: ${(err as Error).message}`);
      }
    }
    db.pragma(`user_version = ${latest}`);
  })();
  return { from, to: latest, backup };
}
