// Workspace summary: samples per level, and per run × level the figures users compare with the paper's table.
import { Dashboards } from './dashboard.ts';
import { ResponseList } from './response-list.ts';
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

// ---------- failure-mode rates (stats --labels) ----------

export interface LabelFigures {
  count: number;
  rate: number;
  /** 95% Wilson interval of the rate. */
  ci: [number, number];
}

export interface LabelLevelFigures {
  /** Responses reviewed by anyone: a live tag, or a verdict that judges or is done. */
  reviewed: number;
  labels: Record<string, LabelFigures>;
}

export interface LabelStats {
  runs: { name: string; method: string; levels: Record<string, LabelLevelFigures> }[];
}

/**
 * Per run × level (and `all`): reviewed responses, and for every live label the responses carrying it, its share of
 * the reviewed ones and a 95% Wilson interval — the dashboard's failure-mode rates, by everyone.
 */
export function computeLabelStats(store: Store): LabelStats {
  const d = new Dashboards(store.db, new ResponseList(store.db)).get({});
  const runs: LabelStats['runs'] = [];
  const byName = new Map<string, LabelStats['runs'][number]>();
  for (const cell of d.accuracy) {
    if (!byName.has(cell.run)) {
      const run = { name: cell.run, method: cell.method, levels: {} };
      byName.set(cell.run, run);
      runs.push(run);
    }
  }
  for (const c of d.failureRates) {
    const levels = byName.get(c.run)!.levels;
    const level = (levels[c.level] ??= { reviewed: c.reviewed, labels: {} });
    level.labels[c.label] = { count: c.count, rate: c.rate, ci: c.ci };
  }
  return { runs };
}

/** The rates as a plain-text table: one line per run, level and label carrying any response (percentages). */
export function formatLabelStats(stats: LabelStats): string {
  if (stats.runs.length === 0) return 'runs: none';
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const header = ['run', 'method', 'level', 'reviewed', 'label', 'count', 'rate', '95% CI'];
  const table: string[][] = [header];
  for (const run of stats.runs) {
    for (const [level, f] of Object.entries(run.levels)) {
      const carried = Object.entries(f.labels).filter(([, l]) => l.count > 0);
      if (carried.length === 0) table.push([run.name, run.method, level, String(f.reviewed), '-', '0', '-', '-']);
      for (const [label, l] of carried) {
        table.push([run.name, run.method, level, String(f.reviewed), label, String(l.count), pct(l.rate), `${pct(l.ci[0])}–${pct(l.ci[1])}`]);
      }
    }
  }
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const left = new Set([0, 1, 2, 4]);
  return table.map((row) => row.map((cell, i) => (left.has(i) ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd()).join('\n');
}
