// Prepared statements, prepared once. Fixed statements are prepared when the service is made; the response list's
// SQL depends on which filters are set, so its statements are prepared on first use and kept by their text (a
// handful of shapes in practice; the cache is bounded all the same).
import type Database from 'better-sqlite3';
import type { Db } from './store.ts';

export class StatementCache {
  private readonly cache = new Map<string, Database.Statement>();
  constructor(
    private readonly db: Db,
    private readonly limit = 200,
  ) {}

  get(sql: string): Database.Statement {
    let stmt = this.cache.get(sql);
    if (stmt) {
      // Most recently used last, so the oldest is the one dropped.
      this.cache.delete(sql);
      this.cache.set(sql, stmt);
      return stmt;
    }
    stmt = this.db.prepare(sql);
    if (this.cache.size >= this.limit) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(sql, stmt);
    return stmt;
  }
}
