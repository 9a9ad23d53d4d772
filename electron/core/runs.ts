// Runs as the app lists them: response counts, the levels they answer, and how the model saw the video.
import { RunSettingsSchema, type Level, type Method, type RunSettings, type RunSummary } from '../../shared/api.ts';
import { CotscopeError } from './errors.ts';
import type { Db } from './store.ts';
import { writeTransaction } from './util.ts';

const LEVELS: Level[] = ['L1', 'L2', 'L3', 'train'];

/** A run's stored settings JSON over the defaults; a value that does not fit the schema falls back to its default. */
export function runSettings(json: string | null): RunSettings {
  let stored: Record<string, unknown> = {};
  try {
    const v = JSON.parse(json ?? '{}');
    if (v && typeof v === 'object' && !Array.isArray(v)) stored = v;
  } catch {
    // unreadable: defaults
  }
  const out = RunSettingsSchema.parse({});
  for (const key of Object.keys(out) as (keyof RunSettings)[]) {
    const one = RunSettingsSchema.shape[key].safeParse(stored[key]);
    if (one.success) (out as Record<string, unknown>)[key] = one.data;
  }
  return out;
}

export class Runs {
  private readonly s;
  private readonly saveSettings;

  constructor(private readonly db: Db) {
    this.s = {
      all: db.prepare('SELECT id, name, method, settings FROM runs ORDER BY id'),
      byName: db.prepare('SELECT id, name, method, settings FROM runs WHERE name = ?'),
      // From responses_run_outcome alone.
      responses: db.prepare('SELECT COUNT(*) FROM responses WHERE run_id = ?').pluck(),
      // Per level, stop at the first response: samples by (level, sample_id), then responses by (sample_id, run_id).
      // CROSS JOIN keeps that order: left to itself, SQLite walks the run's responses instead, which at 1M responses
      // reads a third of the table for a level the run does not answer.
      hasLevel: db
        .prepare(
          'SELECT EXISTS (SELECT 1 FROM samples s CROSS JOIN responses x ON x.sample_id = s.id AND x.run_id = ? WHERE s.level = ?)',
        )
        .pluck(),
      write: db.prepare('UPDATE runs SET settings = ? WHERE id = ?'),
    };
    this.saveSettings = writeTransaction(db, (name: string, settings: RunSettings) => {
      const run = this.find(name);
      let stored: Record<string, unknown> = {};
      try {
        const v = JSON.parse(run.settings);
        if (v && typeof v === 'object' && !Array.isArray(v)) stored = v;
      } catch {
        // replaced below
      }
      // Keys this version does not know (written by a newer cotscope) are kept.
      this.s.write.run(JSON.stringify({ ...stored, ...settings }), run.id);
    });
  }

  list(): RunSummary[] {
    return (this.s.all.all() as RunRow[]).map((r) => this.summary(r));
  }

  setSettings(name: string, settings: RunSettings): RunSummary {
    if (settings.minFrames > settings.maxFrames) {
      throw new CotscopeError(`field \`settings.minFrames\`: ${settings.minFrames} is more than maxFrames (${settings.maxFrames})`, 'invalid');
    }
    this.saveSettings(name, settings);
    return this.summary(this.find(name));
  }

  private find(name: string): RunRow {
    const run = this.s.byName.get(name) as RunRow | undefined;
    if (!run) throw new CotscopeError(`no run named "${name}"`, 'not_found');
    return run;
  }

  private summary(r: RunRow): RunSummary {
    return {
      id: r.id,
      name: r.name,
      method: r.method,
      responses: this.s.responses.get(r.id) as number,
      levels: LEVELS.filter((l) => this.s.hasLevel.get(r.id, l) === 1),
      settings: runSettings(r.settings),
    };
  }
}

interface RunRow {
  id: number;
  name: string;
  method: Method;
  settings: string;
}
