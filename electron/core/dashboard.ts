// The dashboards' figures: every chart of the dashboard view in one call, each mark with the library filter (`drill`)
// that lists exactly the responses it counts.
//
// How each chart reads the filter:
//   levels, runs, domains  restrict the responses of every chart.
//   annotators             whose work counts: reviewed, labels, consistency, first tagged step, progress rows.
//                          Accuracy is the model's and ignores it.
//   labels                 which labels the failure-mode rates and the co-occurrence show; the first-step chart
//                          counts only responses carrying one of them (its position is still the first tagged step
//                          of any label). Accuracy, the quadrant and progress ignore it.
//
// Definitions (by the chosen annotators A; everyone when none is chosen):
//   reviewed      a live tag by A, or a verdict by A that judges (supports set) or is marked done.
//   rate          responses carrying the label (a live tag by A) / reviewed responses, per run × level and over all
//                 levels, with a 95% Wilson interval.
//   consistency   by A's verdicts: no if any says no, yes if all that judged say yes, unclear otherwise, unjudged if
//                 none judged.
//   first step    the first tagged step's index (a step tag's first step; a span tag's step is the step holding its
//                 start; time and whole-response tags mark none) divided by the chain's step count: 0 is the first
//                 step, (n-1)/n the last. Ten bins [k/10, (k+1)/10), the last one closed.
//   progress      per annotator × run: responses that annotator reviewed / the run's responses (in the filter).
//   imbalance     reported when, among the runs shown, one run's share of responses reviewed by A is below half of
//                 another's (and that other has at least IMBALANCE_MIN_REVIEWED reviews). Its interval is then
//                 about √2 wider or more, and a rate compared across such runs mostly compares who looked where.
import type {
  AccuracyCell,
  CooccurrenceCell,
  Dashboard,
  DashboardFilter,
  FailureRateCell,
  FirstStepBin,
  Level,
  Method,
  ProgressCell,
  QuadrantCell,
  ResponseFilter,
  Consistency,
} from '../../shared/api.ts';
import { wilson } from '../../shared/wilson.ts';
import { LEVEL_ORDER } from './compare.ts';
import { CotscopeError } from './errors.ts';
import { FIRST_STEP_INDEX } from './response-list.ts';
import type { Db } from './store.ts';

export const FIRST_STEP_BINS = 10;
/** The imbalance sentence needs the better-reviewed run to have at least this many reviews (below, shares are noise). */
export const IMBALANCE_MIN_REVIEWED = 10;

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');
const byLevel = (a: string, b: string) => LEVEL_ORDER.indexOf(a) - LEVEL_ORDER.indexOf(b);
const CONSISTENCY: Consistency[] = ['yes', 'no', 'unclear', 'unjudged'];

interface Run {
  id: number;
  name: string;
  method: Method;
}

interface Sql {
  sql: string;
  params: unknown[];
}

export class Dashboards {
  constructor(private readonly db: Db) {}

  get(filter: DashboardFilter): Dashboard {
    const db = this.db;
    const allRuns = db.prepare('SELECT id, name, method FROM runs ORDER BY id').all() as Run[];
    let runs = allRuns;
    if (filter.runs?.length) {
      const unknown = filter.runs.filter((n) => !allRuns.some((r) => r.name === n));
      if (unknown.length) throw new CotscopeError(`unknown run${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, 'not_found');
      runs = allRuns.filter((r) => filter.runs!.includes(r.name));
    }
    const liveLabels = db.prepare('SELECT id, key FROM labels WHERE retired_at IS NULL ORDER BY sort_order, id').all() as { id: number; key: string }[];
    let labels = liveLabels;
    if (filter.labels?.length) {
      const rows = db.prepare('SELECT id, key FROM labels WHERE key IN (SELECT value FROM json_each(?)) ORDER BY sort_order, id').all(
        JSON.stringify(filter.labels),
      ) as { id: number; key: string }[];
      const unknown = filter.labels.filter((k) => !rows.some((r) => r.key === k));
      if (unknown.length) throw new CotscopeError(`unknown label${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, 'not_found');
      labels = rows;
    }
    const annotatorRows = db.prepare('SELECT id, name FROM annotators ORDER BY name').all() as { id: number; name: string }[];
    const chosen = filter.annotators?.length ? annotatorRows.filter((a) => filter.annotators!.includes(a.name)) : null;
    const by = chosen?.map((a) => a.id) ?? null;

    // The drill-downs repeat the filter's restrictions; empty lists are left out.
    const base: ResponseFilter = {};
    if (filter.levels?.length) base.levels = filter.levels;
    if (filter.domains?.length) base.domains = filter.domains;
    const byFilter: ResponseFilter = filter.annotators?.length ? { by: filter.annotators } : {};

    const runIds = runs.map((r) => r.id);
    const scope = this.scope(runIds, filter.levels, filter.domains);
    const annot = (col: string): Sql =>
      by === null ? { sql: '', params: [] } : by.length === 0 ? { sql: ' AND 0', params: [] } : { sql: ` AND ${col} IN (${placeholders(by.length)})`, params: by };

    // ---- accuracy: per run × level, from the kept counts ----
    const acc = db
      .prepare(
        `SELECT rs.run_id, s.level, SUM(rs.responses) AS n, SUM(rs.correct) AS c
           FROM run_samples rs JOIN samples s ON s.id = rs.sample_id
          WHERE rs.run_id IN (${placeholders(runIds.length)})${scope.samplesSql}
          GROUP BY rs.run_id, s.level`,
      )
      .all(...runIds, ...scope.samplesParams) as { run_id: number; level: Level; n: number; c: number }[];
    const figures = new Map<number, Map<string, { n: number; c: number }>>(runs.map((r) => [r.id, new Map()]));
    for (const r of acc) figures.get(r.run_id)!.set(r.level, { n: r.n, c: r.c });
    const levelsOf = (runId: number) => [...figures.get(runId)!.keys()].sort(byLevel);
    const totalOf = (runId: number) => [...figures.get(runId)!.values()].reduce((t, f) => ({ n: t.n + f.n, c: t.c + f.c }), { n: 0, c: 0 });

    const accuracy: AccuracyCell[] = [];
    for (const run of runs) {
      for (const level of [...levelsOf(run.id), 'all' as const]) {
        const f = level === 'all' ? totalOf(run.id) : figures.get(run.id)!.get(level)!;
        accuracy.push({
          run: run.name,
          method: run.method,
          level: level as Level | 'all',
          responses: f.n,
          correct: f.c,
          accuracy: f.n ? f.c / f.n : 0,
          ci: wilson(f.c, f.n),
          drill: { ...base, runs: [run.name], ...(level === 'all' ? {} : { levels: [level as Level] }) },
        });
      }
    }

    // ---- failure-mode rates ----
    const tA = annot('annotator_id');
    const vA = annot('annotator_id');
    const reviewedRows = db
      .prepare(
        `SELECT x.run_id, s.level, COUNT(*) AS n FROM responses x JOIN samples s ON s.id = x.sample_id
          WHERE x.id IN (SELECT response_id FROM tags WHERE deleted_at IS NULL${tA.sql}
                         UNION SELECT response_id FROM verdicts
                          WHERE (supports IS NOT NULL OR review_status = 'done') AND deleted_at IS NULL${vA.sql})
            AND ${scope.sql}
          GROUP BY x.run_id, s.level`,
      )
      .all(...tA.params, ...vA.params, ...scope.params) as { run_id: number; level: string; n: number }[];
    const reviewed = new Map<string, number>(reviewedRows.map((r) => [`${r.run_id}:${r.level}`, r.n]));
    const labelIds = labels.map((l) => l.id);
    const ta = annot('t.annotator_id');
    const countRows = labelIds.length
      ? (db
          .prepare(
            `SELECT x.run_id, s.level, t.label_id, COUNT(DISTINCT t.response_id) AS n
               FROM tags t JOIN responses x ON x.id = t.response_id JOIN samples s ON s.id = x.sample_id
              WHERE t.deleted_at IS NULL AND t.label_id IN (${placeholders(labelIds.length)})${ta.sql} AND ${scope.sql}
              GROUP BY x.run_id, s.level, t.label_id`,
          )
          .all(...labelIds, ...ta.params, ...scope.params) as { run_id: number; level: string; label_id: number; n: number }[])
      : [];
    const counts = new Map<string, number>(countRows.map((r) => [`${r.run_id}:${r.level}:${r.label_id}`, r.n]));
    const failureRates: FailureRateCell[] = [];
    for (const run of runs) {
      const levels = levelsOf(run.id);
      for (const level of [...levels, 'all' as const]) {
        const rev = level === 'all' ? levels.reduce((n, l) => n + (reviewed.get(`${run.id}:${l}`) ?? 0), 0) : reviewed.get(`${run.id}:${level}`) ?? 0;
        for (const label of labels) {
          const count =
            level === 'all'
              ? levels.reduce((n, l) => n + (counts.get(`${run.id}:${l}:${label.id}`) ?? 0), 0)
              : counts.get(`${run.id}:${level}:${label.id}`) ?? 0;
          failureRates.push({
            run: run.name,
            level: level as Level | 'all',
            label: label.key,
            reviewed: rev,
            count,
            rate: rev ? count / rev : 0,
            ci: wilson(count, rev),
            drill: { ...base, ...(level === 'all' ? {} : { levels: [level as Level] }), runs: [run.name], ...byFilter, labels: [label.key] },
          });
        }
      }
    }

    // ---- quadrant: correct × consistency per run ----
    const judgedRows = db
      .prepare(
        `SELECT x.run_id, x.correct, c.cons, COUNT(*) AS n
           FROM (SELECT response_id,
                        CASE WHEN SUM(supports = 'no') > 0 THEN 'no' WHEN SUM(supports <> 'yes') = 0 THEN 'yes' ELSE 'unclear' END AS cons
                   FROM verdicts WHERE supports IS NOT NULL AND deleted_at IS NULL${vA.sql} GROUP BY response_id) c
           JOIN responses x ON x.id = c.response_id
          WHERE ${scope.sql}
          GROUP BY x.run_id, x.correct, c.cons`,
      )
      .all(...vA.params, ...scope.params) as { run_id: number; correct: number; cons: Consistency; n: number }[];
    const judged = new Map<string, number>(judgedRows.map((r) => [`${r.run_id}:${r.correct}:${r.cons}`, r.n]));
    const quadrant: QuadrantCell[] = [];
    for (const run of runs) {
      const t = totalOf(run.id);
      for (const correct of [true, false]) {
        const all = correct ? t.c : t.n - t.c;
        const k = (c: Consistency) => judged.get(`${run.id}:${correct ? 1 : 0}:${c}`) ?? 0;
        for (const supports of CONSISTENCY) {
          const count = supports === 'unjudged' ? all - k('yes') - k('no') - k('unclear') : k(supports);
          quadrant.push({ run: run.name, correct, supports, count, drill: { ...base, runs: [run.name], correct, ...byFilter, consensus: supports } });
        }
      }
    }

    // ---- co-occurrence of the shown labels on one response ----
    const pairs = new Map<string, number>();
    if (labelIds.length) {
      const rows = db
        .prepare(
          `SELECT t.response_id, t.label_id FROM tags t JOIN responses x ON x.id = t.response_id
            WHERE t.deleted_at IS NULL AND t.label_id IN (${placeholders(labelIds.length)})${ta.sql} AND ${scope.sql}
            GROUP BY t.response_id, t.label_id ORDER BY t.response_id`,
        )
        .raw()
        .all(...labelIds, ...ta.params, ...scope.params) as [number, number][];
      let current = -1;
      let set: number[] = [];
      const flush = () => {
        for (const a of set) for (const b of set) pairs.set(`${a}:${b}`, (pairs.get(`${a}:${b}`) ?? 0) + 1);
      };
      for (const [response, label] of rows) {
        if (response !== current) {
          flush();
          set = [];
          current = response;
        }
        set.push(label);
      }
      flush();
    }
    const runsDrill: ResponseFilter = filter.runs?.length ? { runs: runs.map((r) => r.name) } : {};
    const cooccurrence: CooccurrenceCell[] = [];
    for (const a of labels) {
      for (const b of labels) {
        cooccurrence.push({
          a: a.key,
          b: b.key,
          count: pairs.get(`${a.id}:${b.id}`) ?? 0,
          drill: { ...base, ...runsDrill, ...byFilter, allLabels: a.id === b.id ? [a.key] : [a.key, b.key] },
        });
      }
    }

    // ---- where the first tagged step falls ----
    const onlyLabels: Sql =
      filter.labels?.length && labelIds.length
        ? {
            sql: ` AND t.response_id IN (SELECT response_id FROM tags WHERE label_id IN (${placeholders(labelIds.length)}) AND deleted_at IS NULL${tA.sql})`,
            params: [...labelIds, ...tA.params],
          }
        : { sql: '', params: [] };
    const firstRows = db
      .prepare(
        `SELECT x.run_id, MIN(${FIRST_STEP_INDEX}) AS i, MAX(x.step_count) AS n
           FROM tags t JOIN responses x ON x.id = t.response_id
          WHERE t.deleted_at IS NULL AND (t.step_start IS NOT NULL OR t.char_start IS NOT NULL) AND x.step_count > 0${ta.sql}
            AND ${scope.sql}${onlyLabels.sql}
          GROUP BY t.response_id`,
      )
      .raw()
      .all(...ta.params, ...scope.params, ...onlyLabels.params) as [number, number, number][];
    const bins = new Map<string, number>();
    for (const [run, i, n] of firstRows) {
      const bin = Math.min(FIRST_STEP_BINS - 1, Math.floor((FIRST_STEP_BINS * i) / n));
      bins.set(`${run}:${bin}`, (bins.get(`${run}:${bin}`) ?? 0) + 1);
    }
    const firstStep: FirstStepBin[] = [];
    const labelsDrill: ResponseFilter = filter.labels?.length ? { labels: labels.map((l) => l.key) } : {};
    for (const run of runs) {
      for (let k = 0; k < FIRST_STEP_BINS; k++) {
        const from = k / FIRST_STEP_BINS;
        const to = (k + 1) / FIRST_STEP_BINS;
        firstStep.push({
          run: run.name,
          from,
          to,
          count: bins.get(`${run.id}:${k}`) ?? 0,
          drill: { ...base, runs: [run.name], ...byFilter, ...labelsDrill, firstStep: [from, to] },
        });
      }
    }

    // ---- annotation progress ----
    const workers =
      chosen ??
      (db
        .prepare(
          `SELECT id, name FROM annotators a
            WHERE EXISTS (SELECT 1 FROM tags t WHERE t.annotator_id = a.id AND t.deleted_at IS NULL)
               OR EXISTS (SELECT 1 FROM verdicts v WHERE v.annotator_id = a.id AND v.deleted_at IS NULL)
            ORDER BY name`,
        )
        .all() as { id: number; name: string }[]);
    const progressRows = db
      .prepare(
        `SELECT r.annotator_id, x.run_id, COUNT(DISTINCT r.response_id) AS n
           FROM (SELECT annotator_id, response_id FROM tags WHERE deleted_at IS NULL
                 UNION SELECT annotator_id, response_id FROM verdicts
                  WHERE (supports IS NOT NULL OR review_status = 'done') AND deleted_at IS NULL) r
           JOIN responses x ON x.id = r.response_id
          WHERE ${scope.sql}
          GROUP BY r.annotator_id, x.run_id`,
      )
      .all(...scope.params) as { annotator_id: number; run_id: number; n: number }[];
    const done = new Map<string, number>(progressRows.map((r) => [`${r.annotator_id}:${r.run_id}`, r.n]));
    const cells: ProgressCell[] = [];
    for (const a of workers) {
      for (const run of runs) {
        cells.push({ annotator: a.name, run: run.name, reviewed: done.get(`${a.id}:${run.id}`) ?? 0, responses: totalOf(run.id).n });
      }
    }
    const team = runs
      .map((run) => {
        const n = totalOf(run.id).n;
        const r = levelsOf(run.id).reduce((t, l) => t + (reviewed.get(`${run.id}:${l}`) ?? 0), 0);
        return { run: run.name, reviewed: r, responses: n, share: n ? r / n : 0 };
      })
      .filter((t) => t.responses > 0);

    // ---- what the pickers offer ----
    const available = {
      runs: allRuns.map((r) => r.name),
      levels: (db.prepare('SELECT DISTINCT s.level FROM run_samples rs JOIN samples s ON s.id = rs.sample_id').pluck().all() as Level[]).sort(byLevel),
      annotators: annotatorRows.map((a) => a.name),
      labels: liveLabels.map((l) => l.key),
      domains: db
        .prepare('SELECT DISTINCT s.domain FROM run_samples rs JOIN samples s ON s.id = rs.sample_id WHERE s.domain IS NOT NULL ORDER BY s.domain')
        .pluck()
        .all() as string[],
    };

    return {
      accuracy,
      failureRates,
      quadrant,
      cooccurrence: { labels: labels.map((l) => l.key), cells: cooccurrence },
      firstStep,
      progress: { cells, imbalance: imbalance(team) },
      available,
    };
  }

  /** The responses the filter keeps, as a condition on `responses x`, and the same on `samples s` for run_samples. */
  private scope(runIds: number[], levels?: string[], domains?: string[]): Sql & { samplesSql: string; samplesParams: unknown[] } {
    const s: string[] = [];
    const sp: unknown[] = [];
    if (levels?.length) {
      s.push(`level IN (${placeholders(levels.length)})`);
      sp.push(...levels);
    }
    if (domains?.length) {
      s.push(`domain IN (${placeholders(domains.length)})`);
      sp.push(...domains);
    }
    const sql = `x.run_id IN (${placeholders(runIds.length)})${s.length ? ` AND x.sample_id IN (SELECT id FROM samples WHERE ${s.join(' AND ')})` : ''}`;
    return {
      sql,
      params: [...runIds, ...sp],
      samplesSql: s.map((c) => ` AND s.${c}`).join(''),
      samplesParams: sp,
    };
  }
}

/** The sentence for unbalanced reviews (see the header), naming the least and the most reviewed run. */
export function imbalance(team: { run: string; reviewed: number; responses: number; share: number }[]): string | null {
  if (team.length < 2) return null;
  const most = team.reduce((a, b) => (b.share > a.share ? b : a));
  const least = team.reduce((a, b) => (b.share < a.share ? b : a));
  if (most.reviewed < IMBALANCE_MIN_REVIEWED || least.share * 2 >= most.share) return null;
  const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
  return (
    `Reviews are unbalanced: ${least.run} has ${pct(least.share)} of its responses reviewed (${least.reviewed} of ${least.responses}), ` +
    `${most.run} ${pct(most.share)} (${most.reviewed} of ${most.responses}). Failure-mode rates of ${least.run} rest on fewer reviews; ` +
    `review more of it before comparing the runs.`
  );
}
