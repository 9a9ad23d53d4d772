import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Db } from './store.ts';

export async function fileSha256(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * A write transaction: `fn` inside BEGIN IMMEDIATE, which takes the write lock first, so the connection's busy timeout
 * applies while another connection (another process: a CLI import, a second app) holds it. A deferred transaction that
 * reads first and then writes cannot wait for the lock in WAL mode: SQLite answers SQLITE_BUSY at once. Inside a
 * caller's transaction it is a savepoint, as better-sqlite3's nested transactions are.
 */
export function writeTransaction<A extends unknown[], R>(db: Db, fn: (...args: A) => R): (...args: A) => R {
  const tx = db.transaction(fn);
  return (...args: A) => tx.immediate(...args);
}

/**
 * Runs async work (streamed file reads between synchronous batches of statements) inside one SQLite transaction:
 * committed when `work` resolves, rolled back when it throws. A crash or kill before the commit leaves nothing
 * behind. This connection is the workspace's one writer, so nothing else writes while the transaction is open.
 */
export async function inTransaction<T>(db: Db, work: () => Promise<T>): Promise<T> {
  // Inside a caller's transaction (an import job of several files, all or nothing) this is a savepoint instead.
  if (db.inTransaction) return inSavepoint(db, work);
  db.exec('BEGIN IMMEDIATE');
  try {
    const value = await work();
    db.exec('COMMIT');
    return value;
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw err;
  }
}

let savepoints = 0;

async function inSavepoint<T>(db: Db, work: () => Promise<T>): Promise<T> {
  const name = `cotscope_${++savepoints}`;
  db.exec(`SAVEPOINT ${name}`);
  try {
    const value = await work();
    db.exec(`RELEASE ${name}`);
    return value;
  } catch (err) {
    if (db.inTransaction) {
      db.exec(`ROLLBACK TO ${name}`);
      db.exec(`RELEASE ${name}`);
    }
    throw err;
  }
}
