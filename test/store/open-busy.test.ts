// A workspace that another cotscope is writing to through a rollback journal (the CLI's run import) cannot be read
// until it commits: opening it waits for the lock, then says plainly that the workspace is busy.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../electron/core/store.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-busy-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('opening a workspace locked by a writer', () => {
  it('is refused with a message that names the file and says it is busy, and opens once the writer is done', () => {
    const file = path.join(dir, 'w.db');
    openStore(file).close();
    const writer = new Database(file);
    writer.pragma('journal_mode = DELETE'); // as withRollbackJournal does for an exclusive import
    writer.exec('BEGIN EXCLUSIVE');
    writer.exec("INSERT INTO settings (key, value) VALUES ('probe', '1')");
    expect(() => openStore(file, { create: false })).toThrow(`${file}: the workspace is busy`);
    writer.exec('COMMIT');
    writer.pragma('journal_mode = WAL');
    writer.close();
    const store = openStore(file, { create: false });
    expect(store.db.prepare("SELECT value FROM settings WHERE key = 'probe'").pluck().get()).toBe('1');
    store.close();
  }, 20_000);
});
