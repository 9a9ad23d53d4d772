// Who is annotating: the name lives in the workspace settings (key `annotator`), so it survives restarts and is the
// same for the desktop app and browser mode. Every tag and verdict records it; the annotators row is made on first use.
import os from 'node:os';
import type { Settings } from './settings.ts';
import { nowIso, type Db } from './store.ts';

const KEY = 'annotator';

export class CurrentAnnotator {
  private readonly findId;
  private readonly insert;
  private readonly fallback: string;

  constructor(
    db: Db,
    private readonly settings: Settings,
    preferred?: string,
  ) {
    this.findId = db.prepare('SELECT id FROM annotators WHERE name = ?').pluck();
    this.insert = db.prepare("INSERT INTO annotators (name, kind, created_at) VALUES (?, 'human', ?) ON CONFLICT (name) DO NOTHING");
    this.fallback = preferred?.trim() || osUser() || 'analyst';
  }

  name(): string {
    const stored = this.settings.get(KEY);
    return typeof stored === 'string' && stored.trim() ? stored : this.fallback;
  }

  setName(name: string): void {
    this.settings.set(KEY, name.trim());
  }

  /** The annotator's row id, or null before their first tag or verdict. */
  id(): number | null {
    return (this.findId.get(this.name()) as number | undefined) ?? null;
  }

  /** The annotator's row id, making the row on first use. Call inside the write's transaction. */
  ensureId(): number {
    const name = this.name();
    this.insert.run(name, nowIso());
    return this.findId.get(name) as number;
  }
}

function osUser(): string | null {
  try {
    return os.userInfo().username.trim() || null;
  } catch {
    return null; // no passwd entry (some containers)
  }
}
