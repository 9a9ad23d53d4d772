// Workspace summary: samples per level, and per run × level the figures users compare with the paper's table.
import type { Store } from './store.ts';

export interface LevelFigures {
  responses: number;
  answered: number;
  correct: number;
  /** correct / responses; a response with no readable prediction counts as wrong. */
  accuracy: number;
  format_errors: number;
  score_disagreements: number;
}

export interface RunStats {
  name: string;
  method: string;
  levels: Record<string, LevelFigures>;
}

export interface WorkspaceStats {
  samples: Record<string, number>;
  runs: RunStats[];
}

const LEVEL_ORDER = "CASE level WHEN 'L1' THEN 1 WHEN 'L2' THEN 2 WHEN 'L3' THEN 3 ELSE 4 END";

export function computeStats(store: Store): WorkspaceStats {
  const { db } = store;
  const samples: Record<string, number> = {};
  for (const r of db.prepare(`SELECT level, COUNT(*) AS n FROM samples GROUP BY level ORDER BY ${LEVEL_ORDER}`).all() as {
    level: string;
    n: number;
  }[]) {
    samples[r.level] = r.n;
  }
  const runs: RunStats[] = [];
  const byRun = new Map<number, RunStats>();
  for (const r of db.prepare('SELECT id, name, method FROM runs ORDER BY id').all() as {
    id: number;
    name: string;
    method: string;
  }[]) {
    const stats: RunStats = { name: r.name, method: r.method, levels: {} };
    runs.push(stats);
    byRun.set(r.id, stats);
  }
  const rows = db
    .prepare(
      `SELECT x.run_id, s.level, COUNT(*) AS responses, SUM(x.prediction IS NOT NULL) AS answered,
              SUM(x.correct) AS correct, SUM(1 - x.format_ok) AS format_errors,
              SUM(x.score_disagreement) AS score_disagreements
         FROM responses x JOIN samples s ON s.id = x.sample_id
        GROUP BY x.run_id, s.level
        ORDER BY x.run_id, ${LEVEL_ORDER}`,
    )
    .all() as ({ run_id: number; level: string } & Omit<LevelFigures, 'accuracy'>)[];
  for (const r of rows) {
    byRun.get(r.run_id)!.levels[r.level] = {
      responses: r.responses,
      answered: r.answered,
      correct: r.correct,
      accuracy: r.responses ? r.correct / r.responses : 0,
      format_errors: r.format_errors,
      score_disagreements: r.score_disagreements,
    };
  }
  return { samples, runs };
}

/** The same figures as a plain-text table, accuracy in percent like the paper. */
export function formatStats(stats: WorkspaceStats): string {
  const lines: string[] = [];
  const sampleParts = Object.entries(stats.samples).map(([l, n]) => `${l} ${n}`);
  lines.push(`samples: ${sampleParts.length ? sampleParts.join(', ') : 'none'}`);
  if (stats.runs.length === 0) {
    lines.push('runs: none');
    return lines.join('\n');
  }
  const header = ['run', 'method', 'level', 'responses', 'answered', 'correct', 'accuracy', 'format errors', 'disagreements'];
  const table: string[][] = [header];
  for (const run of stats.runs) {
    for (const [level, f] of Object.entries(run.levels)) {
      table.push([
        run.name,
        run.method,
        level,
        String(f.responses),
        String(f.answered),
        String(f.correct),
        `${(f.accuracy * 100).toFixed(2)}%`,
        String(f.format_errors),
        String(f.score_disagreements),
      ]);
    }
    if (Object.keys(run.levels).length === 0) table.push([run.name, run.method, '-', '0', '0', '0', '-', '0', '0']);
  }
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  for (const row of table) {
    lines.push(row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
  }
  return lines.join('\n');
}
