// Compare runs on the same questions: the outcome matrix of a pair of runs, and the walk through the questions the
// compare view shows (every chosen run's chains side by side).
//
// A run is RIGHT on a question when at least half of its responses to it are correct (2 of 4 is right, 1 of 3 is
// wrong): with sampled rollouts this is the majority vote, ties going to right. The matrix counts the questions both
// runs answered (each has at least one response to the sample), per level present and over all of them.
//
// The per-(run, sample) counts come from run_samples (migration 0004), written by the run importer in its transaction
// (RunSampleCounts), so the matrix reads a few thousand rows however many rollouts the runs hold.
import type {
  CompareFilter,
  CompareMatrix,
  CompareQuestion,
  CompareQuestionPage,
  CompareRunCell,
  Letter,
  Level,
  Method,
  Outcome,
  OutcomeCounts,
} from '../../shared/api.ts';
import { CotscopeError } from './errors.ts';
import type { Db } from './store.ts';

export const LEVEL_ORDER: readonly string[] = ['L1', 'L2', 'L3', 'train'];
const byLevel = (a: string, b: string) => LEVEL_ORDER.indexOf(a) - LEVEL_ORDER.indexOf(b);

const LETTERS = ['A', 'B', 'C', 'D'] as const;

/** A run's figures on one question. */
interface RunOnSample {
  n: number;
  correct: number;
  /** Responses per predicted letter A–D and with no prediction. */
  letters: [number, number, number, number, number];
}

/**
 * The run importer's share of run_samples: counts gathered while the rows go in, added in one statement per question
 * at the end of the import's transaction (so a cancelled import leaves no count behind). Counting in the import loop
 * costs nothing measurable; a trigger on responses cost about 5 µs per row (≈15% of a 1M-response import).
 */
export class RunSampleCounts {
  private readonly counts = new Map<number, [number, number, number, number, number, number, number]>();
  private readonly upsert;

  constructor(
    db: Db,
    private readonly runId: number,
  ) {
    // A workspace below schema version 4 has no run_samples (the tests of earlier migrations build such workspaces
    // with today's importer); migration 0004 counts its responses when it comes, so nothing is lost by skipping.
    const kept = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'run_samples'").get() !== undefined;
    this.upsert = !kept ? null : db.prepare(
      `INSERT INTO run_samples (run_id, sample_id, level, domain, responses, correct, a, b, c, d, none)
       SELECT ?, id, level, COALESCE(domain, ''), ?, ?, ?, ?, ?, ?, ? FROM samples WHERE id = ?
       ON CONFLICT (run_id, sample_id) DO UPDATE SET
         responses = responses + excluded.responses, correct = correct + excluded.correct, a = a + excluded.a,
         b = b + excluded.b, c = c + excluded.c, d = d + excluded.d, none = none + excluded.none`,
    );
  }

  add(sampleId: number, correct: boolean, prediction: string | null): void {
    let c = this.counts.get(sampleId);
    if (!c) this.counts.set(sampleId, (c = [0, 0, 0, 0, 0, 0, 0]));
    c[0]++;
    if (correct) c[1]++;
    const letter = prediction === null ? -1 : LETTERS.indexOf(prediction as Letter);
    c[letter < 0 ? 6 : 2 + letter]++;
  }

  /** Adds the counts to run_samples; call inside the import's transaction. */
  write(): void {
    if (this.upsert) for (const [sampleId, c] of this.counts) this.upsert.run(this.runId, ...c, sampleId);
    this.counts.clear();
  }
}

export const isRight = (correct: number, n: number) => n > 0 && 2 * correct >= n;

export function outcomeOf(aRight: boolean, bRight: boolean): Outcome {
  return aRight ? (bRight ? 'both_right' : 'only_a') : bRight ? 'only_b' : 'both_wrong';
}

const zero = (): OutcomeCounts => ({ both_right: 0, only_a: 0, only_b: 0, both_wrong: 0 });

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

interface SampleRow {
  id: number;
  level: Level;
  sample_id: string;
  task_goal: string | null;
  golden: Letter | null;
}

export class Compare {
  private readonly runByName;
  private readonly labelByKey;

  constructor(private readonly db: Db) {
    this.runByName = db.prepare('SELECT id, name, method FROM runs WHERE name = ?');
    this.labelByKey = db.prepare('SELECT id FROM labels WHERE key = ?').pluck();
  }

  /** Run names to rows, in the given order; unknown names fail with one message naming them all. */
  resolveRuns(names: string[]): { id: number; name: string; method: Method }[] {
    const found = names.map((n) => this.runByName.get(n) as { id: number; name: string; method: Method } | undefined);
    const unknown = names.filter((_, i) => !found[i]);
    if (unknown.length) {
      throw new CotscopeError(`unknown run${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, 'not_found');
    }
    return found as { id: number; name: string; method: Method }[];
  }

  /** Conditions on run_samples `alias` for levels and domains (empty lists do not filter). */
  private scope(alias: string, levels: string[] | undefined, domains: string[] | undefined): { sql: string; params: unknown[] } {
    let sql = '';
    const params: unknown[] = [];
    if (levels?.length) {
      sql += ` AND ${alias}.level IN (${placeholders(levels.length)})`;
      params.push(...levels);
    }
    if (domains?.length) {
      sql += ` AND ${alias}.domain IN (${placeholders(domains.length)})`;
      params.push(...domains);
    }
    return { sql, params };
  }

  /** Each run's figures per sample in the scope: run id → sample id → figures, and the samples' levels. */
  private perSample(runIds: number[], levels?: string[], domains?: string[]): { per: Map<number, Map<number, RunOnSample>>; levelOf: Map<number, Level> } {
    const per = new Map<number, Map<number, RunOnSample>>(runIds.map((id) => [id, new Map()]));
    const levelOf = new Map<number, Level>();
    const ids = [...new Set(runIds)];
    const scope = this.scope('rs', levels, domains);
    // A run's questions as one JSON array: a walk reads every question of the runs (thousands of rows), and turning
    // them into JS values column by column cost more than the query (at 2 × 2,432 questions ~6 ms against ~2 ms).
    const rows = this.db
      .prepare(
        `SELECT run_id, json_group_array(json_array(sample_id, level, responses, correct, a, b, c, d, none)) FROM run_samples rs
          WHERE run_id IN (${placeholders(ids.length)})${scope.sql} GROUP BY run_id`,
      )
      .raw()
      .all(...ids, ...scope.params) as [number, string][];
    for (const [run, json] of rows) {
      const cells = per.get(run)!;
      for (const [sample, level, n, correct, a, b, c, d, none] of JSON.parse(json) as [number, Level, number, number, number, number, number, number, number][]) {
        cells.set(sample, { n, correct, letters: [a, b, c, d, none] });
        levelOf.set(sample, level);
      }
    }
    return { per, levelOf };
  }

  matrix(input: { runs: [string, string]; levels?: Level[]; domains?: string[] }): CompareMatrix {
    const [a, b] = this.resolveRuns(input.runs);
    const scope = this.scope('a', input.levels, input.domains);
    // One row per question both runs answered (run_samples holds a row only where a run has responses).
    const rows = this.db
      .prepare(
        `SELECT a.level, 2 * a.correct >= a.responses, 2 * b.correct >= b.responses, COUNT(*)
           FROM run_samples a JOIN run_samples b ON b.run_id = ? AND b.sample_id = a.sample_id
          WHERE a.run_id = ?${scope.sql}
          GROUP BY a.level, 2 * a.correct >= a.responses, 2 * b.correct >= b.responses`,
      )
      .raw()
      .all(b.id, a.id, ...scope.params) as [Level, number, number, number][];
    const levels: Record<string, OutcomeCounts> = {};
    const all = zero();
    for (const [level, aRight, bRight, n] of rows) {
      const o = outcomeOf(aRight === 1, bRight === 1);
      (levels[level] ??= zero())[o] += n;
      all[o] += n;
    }
    const ordered: Record<string, OutcomeCounts> = {};
    for (const l of Object.keys(levels).sort(byLevel)) ordered[l] = levels[l];
    ordered.all = all;
    return { pair: [a.name, b.name], levels: ordered };
  }

  questions(filter: CompareFilter, offset: number, limit: number): CompareQuestionPage {
    const runs = this.resolveRuns(filter.runs);
    const runIds = runs.map((r) => r.id);
    const { per, levelOf } = this.perSample(runIds, filter.levels, filter.domains);
    const [a, b] = runs;

    let labelOnly: { sampleRuns: Map<number, Set<number>>; run: number } | null = null;
    if (filter.labelOnly) {
      const [only] = this.resolveRuns([filter.labelOnly.run]);
      if (!runIds.includes(only.id)) {
        throw new CotscopeError(`field \`filter.labelOnly.run\`: ${only.name} is not one of the compared runs`, 'invalid');
      }
      const labelId = this.labelByKey.get(filter.labelOnly.label) as number | undefined;
      if (labelId === undefined) throw new CotscopeError(`unknown label: ${filter.labelOnly.label}`, 'not_found');
      const sampleRuns = new Map<number, Set<number>>();
      const rows = this.db
        .prepare(
          `SELECT DISTINCT sample_id, run_id FROM label_marks
            WHERE akey = 0 AND label_id = ? AND run_id IN (${placeholders(runIds.length)})`,
        )
        .raw()
        .all(labelId, ...runIds) as number[][];
      for (const [sample, run] of rows) {
        let set = sampleRuns.get(sample);
        if (!set) sampleRuns.set(sample, (set = new Set()));
        set.add(run);
      }
      labelOnly = { sampleRuns, run: only.id };
    }

    let flawed: Set<number> | null = null;
    if (filter.rightFlawed !== undefined) {
      // Right answer, flawed reasoning: a correct response with a live tag (any annotator), or with a verdict saying
      // the reasoning does not support the answer.
      flawed = new Set(
        this.db
          .prepare(
            `SELECT DISTINCT sample_id FROM review_marks
              WHERE akey = 0 AND correct = 1 AND (tags > 0 OR no > 0) AND run_id IN (${placeholders(runIds.length)})`,
          )
          .pluck()
          .all(...runIds) as number[],
      );
    }

    // The questions some chosen run answered, in import order (samples.id), like the library.
    const chosen: number[] = [];
    for (const id of [...levelOf.keys()].sort((x, y) => x - y)) {
      const figures = runIds.map((run) => per.get(run)!.get(id));
      const fa = figures[0];
      const fb = figures[1];
      if (filter.outcome !== undefined) {
        if (!fa || !fb || outcomeOf(isRight(fa.correct, fa.n), isRight(fb.correct, fb.n)) !== filter.outcome) continue;
      }
      if (filter.disagree !== undefined && disagree(figures) !== filter.disagree) continue;
      if (flawed && flawed.has(id) !== filter.rightFlawed) continue;
      if (labelOnly) {
        const has = labelOnly.sampleRuns.get(id);
        if (!has || !has.has(labelOnly.run) || has.size > 1) continue;
      }
      chosen.push(id);
    }

    const ids = chosen.slice(offset, offset + limit);
    const details = new Map(
      (
        this.db
          .prepare('SELECT id, level, sample_id, task_goal, golden FROM samples WHERE id IN (SELECT value FROM json_each(?))')
          .all(JSON.stringify(ids)) as SampleRow[]
      ).map((r) => [r.id, r]),
    );
    const page = ids.map((id) => details.get(id)!);
    return { total: chosen.length, offset, rows: this.rows(page, runs, per, a.id, b.id) };
  }

  private rows(
    page: SampleRow[],
    runs: { id: number; name: string; method: Method }[],
    per: Map<number, Map<number, RunOnSample>>,
    aId: number,
    bId: number,
  ): CompareQuestion[] {
    if (page.length === 0) return [];
    const runIds = [...new Set(runs.map((r) => r.id))];
    const sampleIds = page.map((s) => s.id);
    // Every rollout's id and prediction, a cell (question × run) per row, read from the index responses_predictions
    // alone (migration 0008; SQLite takes it, as it holds every column read here). A page of 50 questions at ~400 rollouts each is 20k responses: read row by row
    // from the table that took ~35 ms, as one row each from the index ~12 ms, as arrays per cell ~5 ms.
    const cells = this.db
      .prepare(
        `SELECT x.sample_id, x.run_id, json_group_array(x.id ORDER BY x.rollout), json_group_array(x.prediction ORDER BY x.rollout)
           FROM responses x
          WHERE x.sample_id IN (SELECT value FROM json_each(?)) AND x.run_id IN (${placeholders(runIds.length)})
          GROUP BY x.sample_id, x.run_id`,
      )
      .raw()
      .all(JSON.stringify(sampleIds), ...runIds) as [number, number, string, string][];
    const key = (sample: number, run: number) => `${sample}:${run}`;
    const byCell = new Map<string, { ids: number[]; predictions: (Letter | null)[] }>();
    for (const [sample, run, ids, predictions] of cells) {
      byCell.set(key(sample, run), { ids: JSON.parse(ids) as number[], predictions: JSON.parse(predictions) as (Letter | null)[] });
    }
    const labels = new Map<string, Record<string, number>>();
    // Live tags per label: everyone's label marks (akey 0) count them per response, and carry the question and run.
    const tagRows = this.db
      .prepare(
        `SELECT m.sample_id, m.run_id, l.key, SUM(m.tags) FROM label_marks m
           JOIN labels l ON l.id = m.label_id
          WHERE m.akey = 0 AND m.sample_id IN (SELECT value FROM json_each(?)) AND m.run_id IN (${placeholders(runIds.length)})
          GROUP BY m.sample_id, m.run_id, l.key`,
      )
      .raw()
      .all(JSON.stringify(sampleIds), ...runIds) as [number, number, string, number][];
    for (const [sample, run, label, n] of tagRows) {
      let cell = labels.get(key(sample, run));
      if (!cell) labels.set(key(sample, run), (cell = {}));
      cell[label] = n;
    }

    return page.map((s) => {
      const cells: CompareRunCell[] = runs.map((r) => {
        const f = per.get(r.id)!.get(s.id);
        const c = byCell.get(key(s.id, r.id));
        return {
          run: r.name,
          method: r.method,
          responseIds: c?.ids ?? [],
          predictions: c?.predictions ?? [],
          correct: f?.correct ?? 0,
          right: f ? isRight(f.correct, f.n) : false,
          labels: labels.get(key(s.id, r.id)) ?? {},
        };
      });
      const fa = per.get(aId)!.get(s.id);
      const fb = per.get(bId)!.get(s.id);
      return {
        sampleKey: s.id,
        sampleId: s.sample_id,
        level: s.level,
        taskGoal: s.task_goal,
        golden: s.golden,
        runs: cells,
        outcome: fa && fb ? outcomeOf(isRight(fa.correct, fa.n), isRight(fb.correct, fb.n)) : null,
      };
    });
  }
}

/**
 * The runs that answered a question disagree when one is right and another wrong, or when their majority predictions
 * differ. A run's majority prediction is the set of its most frequent answers (a letter, or "none" for responses
 * without a readable one); with one response per question that is simply its prediction, and a 2–2 split among
 * rollouts is the set of both letters. Fewer than two runs answering cannot disagree.
 */
export function disagree(figures: (RunOnSample | undefined)[]): boolean {
  const answered = figures.filter((f): f is RunOnSample => f !== undefined);
  if (answered.length < 2) return false;
  const right = answered.map((f) => isRight(f.correct, f.n));
  if (right.some((r) => r !== right[0])) return true;
  const modes = answered.map((f) => {
    const top = Math.max(...f.letters);
    return f.letters.map((n) => (n === top ? '1' : '0')).join('');
  });
  return modes.some((m) => m !== modes[0]);
}


/** The matrix as a plain-text table: one line per level, then all. */
export function formatMatrix(m: CompareMatrix): string {
  const [a, b] = m.pair;
  const header = ['level', 'both right', `only ${a}`, `only ${b}`, 'both wrong', 'questions'];
  const table = [header];
  for (const [level, c] of Object.entries(m.levels)) {
    const total = c.both_right + c.only_a + c.only_b + c.both_wrong;
    table.push([level, ...[c.both_right, c.only_a, c.only_b, c.both_wrong, total].map(String)]);
  }
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const lines = table.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
  return [`${a} (A) against ${b} (B), over the questions both answered; right = at least half of a run's responses correct`, ...lines].join('\n');
}
