// Workspace settings: one JSON value per key in the `settings` table (current annotator, frame mappings, …).
import type { Db } from './store.ts';

export class Settings {
  private readonly read;
  private readonly write;

  constructor(db: Db) {
    this.read = db.prepare('SELECT value FROM settings WHERE key = ?').pluck();
    this.write = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  }

  /** The stored value, or undefined when the key is unset or its value is not JSON. */
  get(key: string): unknown {
    const text = this.read.get(key) as string | undefined;
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  }

  set(key: string, value: unknown): void {
    this.write.run(key, JSON.stringify(value));
  }
}
