// One SQLite file per workspace. This module opens it the one right way: WAL, foreign keys, migrations, seeds.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DEFAULT_LABELS } from '../../shared/labels.ts';
import { CotscopeError } from './errors.ts';
import { loadMigrations, migrate, refuseForeign, refuseNewer, type MigrationResult } from './migrate.ts';

export type Db = Database.Database;

export interface OpenOptions {
  /** Create the file when it does not exist (default true). */
  create?: boolean;
  /** Directory of migrations (tests point this elsewhere). */
  migrationsDir?: string;
}

export interface Store {
  db: Db;
  file: string;
  migration: MigrationResult;
  close(): void;
}

/** SQLite's "database is locked": another connection holds the lock this one needs (SQLITE_BUSY and its extended codes). */
export function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_'));
}

export function nowIso(): string {
  return new Date().toISOString();
}

export function openStore(file: string, opts: OpenOptions = {}): Store {
  const abs = path.resolve(file);
  const exists = fs.existsSync(abs);
  if (!exists && opts.create === false) {
    throw new CotscopeError(`${abs}: no such workspace (run \`cotscope --db ${file} init\` first)`, 'not_found');
  }
  if (!exists) fs.mkdirSync(path.dirname(abs), { recursive: true });
  let db: Db;
  try {
    db = new Database(abs, { fileMustExist: exists });
  } catch (err) {
    throw new CotscopeError(`${abs}: cannot open as a workspace: ${(err as Error).message}`);
  }
  try {
    // Reading the header first turns "file is not a database" or "written by a newer cotscope" into a clear message
    // before anything writes to the file.
    refuseNewer(db, abs, loadMigrations(opts.migrationsDir).length);
    refuseForeign(db, abs);
    configureConnection(db);
    const migration = migrate(db, abs, opts.migrationsDir);
    if (migration.from === 0) seedWorkspace(db);
    return { db, file: abs, migration, close: () => db.close() };
  } catch (err) {
    db.close();
    if (err instanceof CotscopeError) throw err;
    if (isBusy(err)) {
      throw new CotscopeError(`${abs}: the workspace is busy (another cotscope is writing to it, say a run import); try again when it is done`, 'busy');
    }
    throw new CotscopeError(`${abs}: cannot open as a workspace: ${(err as Error).message}`);
  }
}

/**
 * A read-only connection to a workspace that its writer (the service's own connection) has already opened and
 * migrated: for the service's reader threads (service-readers.ts). It never creates the file, never migrates and
 * never writes: SQLite opens it read-only and `query_only` refuses any statement that would change the file. A
 * workspace whose schema is not this cotscope's (older: not migrated yet; newer; not a workspace) is refused. In WAL
 * mode each read sees what was committed before it began, and never waits for the writer.
 */
export function openStoreReadOnly(file: string, opts: Pick<OpenOptions, 'migrationsDir'> = {}): Store {
  const abs = path.resolve(file);
  let db: Db;
  try {
    db = new Database(abs, { readonly: true, fileMustExist: true });
  } catch (err) {
    const missing = !fs.existsSync(abs);
    throw new CotscopeError(`${abs}: ${missing ? 'no such workspace' : `cannot open as a workspace: ${(err as Error).message}`}`, missing ? 'not_found' : 'internal');
  }
  try {
    const latest = loadMigrations(opts.migrationsDir).length;
    const version = refuseNewer(db, abs, latest);
    refuseForeign(db, abs);
    if (version !== latest) {
      throw new CotscopeError(`${abs}: schema version ${version}, not ${latest}: a reader does not migrate; open the workspace for writing first`, 'internal');
    }
    db.pragma('query_only = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('cache_size = -65536'); // as the writer's
    db.pragma('temp_store = MEMORY');
    return { db, file: abs, migration: { from: version, to: version, backup: null }, close: () => db.close() };
  } catch (err) {
    db.close();
    if (err instanceof CotscopeError) throw err;
    if (isBusy(err)) throw new CotscopeError(`${abs}: the workspace is busy (another cotscope is writing to it); try again when it is done`, 'busy');
    throw new CotscopeError(`${abs}: cannot open as a workspace: ${(err as Error).message}`);
  }
}

/**
 * The settings every workspace connection runs with (the benchmark's baseline uses them too, so that it measures
 * the same database). Call it before anything writes to the file.
 */
export function configureConnection(db: Db): void {
  // Takes effect only when the file is new (an existing workspace keeps its page size; in WAL mode not even VACUUM
  // changes it). A response row is 0.6-1 KB of text: on 16 KiB pages a million-response import writes fewer, fuller
  // pages than on the default 4 KiB, and its inserts and commit measured about a third faster.
  db.pragma('page_size = 16384');
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536'); // 64 MiB page cache
  db.pragma('temp_store = MEMORY');
}

/**
 * Runs `work`, one large write transaction, with the workspace in rollback-journal mode instead of WAL, when this
 * connection is the only one open on it (the CLI's). In WAL mode every page such a transaction writes is written
 * twice: into the WAL, then by the checkpoint into the database file (a million-response import spent 4-6 s in its
 * commit, copying). With a rollback journal the pages it adds past the end of the file go straight there, and only
 * the few pages it changes are copied to the journal first. All or nothing still holds: a crash leaves a hot journal,
 * which the next opening rolls back. The workspace is back in WAL mode afterwards, whatever the outcome.
 *
 * When another connection has the workspace open, SQLite refuses the switch at once and `work` runs in WAL mode as
 * usual; one that tries to open it meanwhile waits (busy_timeout) and is told the workspace is busy.
 */
export async function withRollbackJournal<T>(db: Db, work: () => Promise<T>): Promise<T> {
  if (db.inTransaction) return work();
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  let switched = false;
  db.pragma('busy_timeout = 0');
  try {
    switched = db.pragma('journal_mode = DELETE', { simple: true }) === 'delete';
  } catch (err) {
    if (!isBusy(err)) throw err;
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
  try {
    return await work();
  } finally {
    if (switched) {
      try {
        db.pragma('journal_mode = WAL');
      } catch (err) {
        // Another process opened the workspace the moment the work ended and holds it: what the work committed
        // stands, and that opening (every opening) puts the workspace in WAL mode itself.
        if (!isBusy(err)) throw err;
      }
    }
  }
}

/** What every new workspace starts with: the default taxonomy. */
function seedWorkspace(db: Db): void {
  const now = nowIso();
  const insert = db.prepare(
    `INSERT OR IGNORE INTO labels (key, name, description, color, hotkey, target, sort_order, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    DEFAULT_LABELS.forEach((l, i) => insert.run(l.key, l.name, l.description, l.color, l.hotkey, l.target, i, now, now));
  })();
}
