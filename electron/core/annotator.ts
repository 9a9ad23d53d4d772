// Who is annotating: the name lives in the workspace settings (key `annotator`), so it survives restarts and is the
// same for the desktop app and browser mode. Every tag and verdict records it; the annotators row is made on first use.
// Annotators lists everyone with a row, for filtering by any of them.
import os from 'node:os';
import type { AnnotatorSummary } from '../../shared/api.ts';
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

/** Every annotator of the workspace with their live tags and non-deleted verdicts, sorted by name. */
export class Annotators {
  private readonly all;

  constructor(db: Db) {
    this.all = db.prepare(
      'SELECT a.name, a.kind,' +
        ' (SELECT COUNT(*) FROM tags t WHERE t.annotator_id = a.id AND t.deleted_at IS NULL) AS tags,' +
        ' (SELECT COUNT(*) FROM verdicts v WHERE v.annotator_id = a.id AND v.deleted_at IS NULL) AS verdicts' +
        ' FROM annotators a ORDER BY a.name',
    );
  }

  list(): AnnotatorSummary[] {
    return this.all.all() as AnnotatorSummary[];
  }
}

function osUser(): string | null {
  try {
    return os.userInfo().username.trim() || null;
  } catch {
    return null; // no passwd entry (some containers)
  }
}
