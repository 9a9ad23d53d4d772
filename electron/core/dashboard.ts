// The dashboards' figures: every chart of the dashboard view in one call, each mark with the library filter (`drill`)
// that lists exactly the responses it counts.
//
// How each chart reads the filter:
//   levels, runs, domains  restrict the responses of every chart.
//   annotators             whose work counts: reviewed, labels, consistency, first tagged step, progress rows.
//                          Accuracy is the model's and ignores it.
//   labels                 which labels the failure-mode rates and the co-occurrence show. Accuracy, the quadrant,
//                          the first tagged step and progress ignore it.
//
// Definitions (by the chosen annotators A; everyone when none is chosen):
//   reviewed      a live tag by A, or a verdict by A that judges (supports set) or is marked done.
//   rate          responses carrying the label (a live tag by A) / reviewed responses, per run × level and over all
//                 levels, with a 95% Wilson interval.
//   consistency   by A's verdicts: no if any says no, yes if all that judged say yes, unclear otherwise, unjudged if
//                 none judged.
//   first step    the first tagged step's index (a step tag's first step; a span tag's step is the step holding its
//                 start; time and whole-response tags mark none) divided by the chain's step count: 0 is the first
//                 step, (n-1)/n the last. Ten bins [k/10, (k+1)/10), the last one closed. Tags of any label count.
//   progress      per annotator × run: responses that annotator reviewed / the run's responses (in the filter); a
//                 row for each chosen annotator, else for everyone who reviewed anything (0 in the runs shown too).
//   imbalance     reported when, among the runs shown, one run's share of responses reviewed by A is below half of
//                 another's (and that other has at least IMBALANCE_MIN_REVIEWED reviews). Its interval is then
//                 about √2 wider or more, and a rate compared across such runs mostly compares who looked where.
//
// Where the figures come from: accuracy from run_samples; everything by annotators from the counts migration 0007
// keeps per (run, level, domain) and annotator bitmasks — who reviewed a response, who judged it how, who applied a
// label, whose first tagged step falls where. Distinct masks are few, so any set of annotators (a mask S) reads a few
// hundred rows whatever the size of the workspace: a response counts for S when its mask & S <> 0. A workspace with
// more than 63 annotators has some without a bit; a set involving them is counted as before migration 0007: from the
// counts 0004 keeps per annotator and for everyone, and for several annotators by grouping their per-response marks
// (de-duplicating responses reviewed by more than one of them), which costs time in proportion to those marks. That
// grouping is also the reference the mask counts are tested against (`via: 'marks'`).
import type {
  AccuracyCell,
  Consistency,
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
} from '../../shared/api.ts';
import { wilson } from '../../shared/wilson.ts';
import { LEVEL_ORDER } from './compare.ts';
import { CotscopeError } from './errors.ts';
import { consensusOf, type ResponseList } from './response-list.ts';
import { StatementCache } from './statements.ts';
import type { Db } from './store.ts';

export const FIRST_STEP_BINS = 10;
/** The imbalance sentence needs the better-reviewed run to have at least this many reviews (below, shares are noise). */
export const IMBALANCE_MIN_REVIEWED = 10;

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');
const byLevel = (a: string, b: string) => LEVEL_ORDER.indexOf(a) - LEVEL_ORDER.indexOf(b);
const CONSISTENCY: Consistency[] = ['yes', 'no', 'unclear', 'unjudged'];
const JUDGED = ['right_yes', 'right_no', 'right_unclear', 'wrong_yes', 'wrong_no', 'wrong_unclear'] as const;
const BINS = Array.from({ length: FIRST_STEP_BINS }, (_, k) => `f${k}`);

export type Chart = 'accuracy' | 'failureRates' | 'quadrant' | 'cooccurrence' | 'firstStep' | 'progress';

/**
 * Which kept figures count the annotators' work. 'masks' (the default) reads migration 0007's mask counts when every
 * chosen annotator has a bit, else migration 0004's counts and marks; 'marks' always groups the per-response marks —
 * the slow reference the tests hold the mask counts to.
 */
export type Via = 'masks' | 'marks';

interface Run {
  id: number;
  name: string;
  method: Method;
}

/** review_counts summed per run and level: reviewed, the six judged quadrant cells, the ten first-step bins. */
type ReviewRow = [runId: number, level: string, reviewed: number, ...rest: number[]];

interface Sql {
  sql: string;
  params: unknown[];
}

export class Dashboards {
  private readonly cache: StatementCache;
  /** Migration 0007's mask counts are there (a store opened by an older cotscope's migrations has none). */
  private readonly masks: boolean;

  constructor(
    private readonly db: Db,
    private readonly list: ResponseList,
  ) {
    this.cache = new StatementCache(db);
    this.masks = hasTable(db, 'annotator_bits');
  }

  private all<T>(sql: string, params: unknown[], raw = false): T[] {
    const stmt = this.cache.get(sql);
    return (raw ? stmt.raw().all(...params) : stmt.raw(false).all(...params)) as T[];
  }

  /**
   * The dashboard. `only` computes just those charts (the others come back empty): the benchmark times each chart
   * on its own this way; the app always asks for all of them.
   */
  get(filter: DashboardFilter, only?: ReadonlySet<Chart>, via: Via = 'masks'): Dashboard {
    const want = (chart: Chart) => !only || only.has(chart);
    const allRuns = this.all<Run>('SELECT id, name, method FROM runs ORDER BY id', []);
    let runs = allRuns;
    if (filter.runs?.length) {
      const unknown = filter.runs.filter((n) => !allRuns.some((r) => r.name === n));
      if (unknown.length) throw new CotscopeError(`unknown run${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, 'not_found');
      runs = allRuns.filter((r) => filter.runs!.includes(r.name));
    }
    const liveLabels = this.all<{ id: number; key: string }>('SELECT id, key FROM labels WHERE retired_at IS NULL ORDER BY sort_order, id', []);
    let labels = liveLabels;
    if (filter.labels?.length) {
      const rows = this.all<{ id: number; key: string }>(
        'SELECT id, key FROM labels WHERE key IN (SELECT value FROM json_each(?)) ORDER BY sort_order, id',
        [JSON.stringify(filter.labels)],
      );
      const unknown = filter.labels.filter((k) => !rows.some((r) => r.key === k));
      if (unknown.length) throw new CotscopeError(`unknown label${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, 'not_found');
      labels = rows;
    }
    // The automatic checks are nobody whose work a dashboard counts (their suggestions keep no marks).
    const annotators = this.all<{ id: number; name: string }>("SELECT id, name FROM annotators WHERE kind <> 'auto' ORDER BY name", []);
    // Review-mark keys: [0] = everyone together; one id = that annotator; several = de-duplicate their marks.
    const keys = filter.annotators?.length ? this.list.akeys(filter.annotators) : [0];
    const count: Counting = via === 'masks' ? this.maskOf(keys) ?? 'counts' : 'marks';

    // The drill-downs repeat the filter's restrictions; empty lists are left out.
    const base: ResponseFilter = {};
    if (filter.levels?.length) base.levels = filter.levels;
    if (filter.domains?.length) base.domains = filter.domains;
    const byFilter: ResponseFilter = filter.annotators?.length ? { by: filter.annotators } : {};
    const levelDrill = (level: string): ResponseFilter => (level === 'all' ? {} : { levels: [level as Level] });

    const runIds = runs.map((r) => r.id);
    const scope = this.scope(runIds, filter.levels, filter.domains);

    // ---- accuracy: per run × level, from the kept counts ----
    const acc = this.all<[number, Level, number, number]>(
      `SELECT run_id, level, SUM(responses), SUM(correct) FROM run_samples WHERE ${scope.counts.sql} GROUP BY run_id, level`,
      scope.counts.params,
      true,
    );
    const figures = new Map<number, Map<string, { n: number; c: number }>>(runs.map((r) => [r.id, new Map()]));
    for (const [run, level, n, c] of acc) figures.get(run)!.set(level, { n, c });
    const levelsOf = (runId: number) => [...figures.get(runId)!.keys()].sort(byLevel);
    const totalOf = (runId: number) => [...figures.get(runId)!.values()].reduce((t, f) => ({ n: t.n + f.n, c: t.c + f.c }), { n: 0, c: 0 });

    const accuracy: AccuracyCell[] = [];
    for (const run of want('accuracy') ? runs : []) {
      for (const level of [...levelsOf(run.id), 'all']) {
        const f = level === 'all' ? totalOf(run.id) : figures.get(run.id)!.get(level)!;
        accuracy.push({
          run: run.name,
          method: run.method,
          level: level as Level | 'all',
          responses: f.n,
          correct: f.c,
          accuracy: f.n ? f.c / f.n : 0,
          ci: wilson(f.c, f.n),
          drill: { ...base, runs: [run.name], ...levelDrill(level) },
        });
      }
    }

    // ---- review figures per run × level (reviewed, judged quadrant cells, first-step bins) ----
    let review: Map<string, number[]> | null = null;
    const reviewOf = (runId: number, level: string): number[] => {
      if (!review) {
        review = new Map();
        for (const [run, lvl, ...counts] of this.reviewRows(count, keys, scope)) review.set(`${run}:${lvl}`, counts);
      }
      if (level !== 'all') return review.get(`${runId}:${level}`) ?? new Array(1 + JUDGED.length + FIRST_STEP_BINS).fill(0);
      const sum = new Array(1 + JUDGED.length + FIRST_STEP_BINS).fill(0);
      for (const l of levelsOf(runId)) (review!.get(`${runId}:${l}`) ?? []).forEach((n, i) => (sum[i] += n));
      return sum;
    };

    // ---- failure-mode rates ----
    const labelIds = labels.map((l) => l.id);
    const counts = new Map<string, number>();
    if (want('failureRates') || want('cooccurrence')) {
      for (const [run, level, label, n] of this.labelRows(count, keys, labelIds, scope)) counts.set(`${run}:${level}:${label}`, n);
    }
    const failureRates: FailureRateCell[] = [];
    for (const run of want('failureRates') ? runs : []) {
      const levels = levelsOf(run.id);
      for (const level of [...levels, 'all']) {
        const reviewed = reviewOf(run.id, level)[0];
        for (const label of labels) {
          const count = (level === 'all' ? levels : [level]).reduce((n, l) => n + (counts.get(`${run.id}:${l}:${label.id}`) ?? 0), 0);
          failureRates.push({
            run: run.name,
            level: level as Level | 'all',
            label: label.key,
            reviewed,
            count,
            rate: reviewed ? count / reviewed : 0,
            ci: wilson(count, reviewed),
            drill: { ...base, ...levelDrill(level), runs: [run.name], ...byFilter, labels: [label.key] },
          });
        }
      }
    }

    // ---- quadrant: correct × consistency per run ----
    const quadrant: QuadrantCell[] = [];
    for (const run of want('quadrant') ? runs : []) {
      const t = totalOf(run.id);
      const r = reviewOf(run.id, 'all');
      for (const correct of [true, false]) {
        const judged = (c: Consistency) => r[1 + JUDGED.indexOf(`${correct ? 'right' : 'wrong'}_${c}` as (typeof JUDGED)[number])];
        const all = correct ? t.c : t.n - t.c;
        for (const supports of CONSISTENCY) {
          const count = supports === 'unjudged' ? all - judged('yes') - judged('no') - judged('unclear') : judged(supports);
          quadrant.push({ run: run.name, correct, supports, count, drill: { ...base, runs: [run.name], correct, ...byFilter, consensus: supports } });
        }
      }
    }

    // ---- co-occurrence of the shown labels on one response ----
    const pairs = new Map<string, number>();
    for (const [a, b, n] of want('cooccurrence') ? this.pairRows(count, keys, labelIds, scope) : []) {
      pairs.set(`${a}:${b}`, n);
      pairs.set(`${b}:${a}`, n);
    }
    const carrying = new Map<number, number>();
    for (const [key, n] of counts) {
      const label = Number(key.split(':')[2]);
      carrying.set(label, (carrying.get(label) ?? 0) + n);
    }
    const runsDrill: ResponseFilter = filter.runs?.length ? { runs: runs.map((r) => r.name) } : {};
    const cooccurrence: CooccurrenceCell[] = [];
    for (const a of want('cooccurrence') ? labels : []) {
      for (const b of labels) {
        cooccurrence.push({
          a: a.key,
          b: b.key,
          count: a.id === b.id ? carrying.get(a.id) ?? 0 : pairs.get(`${a.id}:${b.id}`) ?? 0,
          drill: { ...base, ...runsDrill, ...byFilter, allLabels: a.id === b.id ? [a.key] : [a.key, b.key] },
        });
      }
    }

    // ---- where the first tagged step falls ----
    const firstStep: FirstStepBin[] = [];
    for (const run of want('firstStep') ? runs : []) {
      const r = reviewOf(run.id, 'all');
      for (let k = 0; k < FIRST_STEP_BINS; k++) {
        const from = k / FIRST_STEP_BINS;
        const to = (k + 1) / FIRST_STEP_BINS;
        firstStep.push({
          run: run.name,
          from,
          to,
          count: r[1 + JUDGED.length + k],
          drill: { ...base, runs: [run.name], ...byFilter, firstStep: [from, to] },
        });
      }
    }

    // ---- annotation progress ----
    const workers = !want('progress')
      ? []
      : filter.annotators?.length
      ? annotators.filter((a) => filter.annotators!.includes(a.name))
      : this.all<{ id: number; name: string }>(
          'SELECT a.id, a.name FROM annotators a WHERE EXISTS (SELECT 1 FROM review_marks m WHERE m.akey = a.id) ORDER BY a.name',
          [],
        );
    const done = workers.length ? this.progressRows(via, workers.map((w) => w.id), scope) : new Map<string, number>();
    const cells: ProgressCell[] = [];
    for (const a of workers) {
      for (const run of runs) {
        cells.push({
          annotator: a.name,
          run: run.name,
          reviewed: done.get(`${a.id}:${run.id}`) ?? 0,
          responses: totalOf(run.id).n,
          drill: { ...base, runs: [run.name], by: [a.name], reviewed: true },
        });
      }
    }
    const team = (want('progress') ? runs : [])
      .map((run) => {
        const n = totalOf(run.id).n;
        const r = reviewOf(run.id, 'all')[0];
        return { run: run.name, reviewed: r, responses: n, share: n ? r / n : 0 };
      })
      .filter((t) => t.responses > 0);

    // ---- what the pickers offer ----
    const available = {
      runs: allRuns.map((r) => r.name),
      levels: this.all<[Level]>('SELECT DISTINCT level FROM run_samples', [], true)
        .map(([l]) => l)
        .sort(byLevel),
      annotators: annotators.map((a) => a.name),
      labels: liveLabels.map((l) => l.key),
      domains: this.all<[string]>("SELECT DISTINCT domain FROM run_samples WHERE domain <> '' ORDER BY domain", [], true).map(([d]) => d),
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

  /**
   * The chosen annotators as a bitmask (migration 0007), or null when one of them has no bit (past the 63rd). `keys`
   * as ResponseList.akeys gives them: [0] is everyone, [] names nobody known (mask 0: nothing counts).
   */
  private maskOf(keys: number[]): bigint | null {
    if (!this.masks) return null;
    const bitOf = new Map(this.all<[number, number | null]>("SELECT a.id, b.bit FROM annotators a LEFT JOIN annotator_bits b ON b.annotator_id = a.id WHERE a.kind <> 'auto'", [], true));
    let mask = 0n;
    for (const id of keys[0] === 0 ? bitOf.keys() : keys) {
      const bit = bitOf.get(id);
      if (bit === null || bit === undefined) return null;
      mask |= 1n << BigInt(bit);
    }
    return mask;
  }

  /** reviewed, the judged quadrant cells and the first-step bins per run × level, by the work of `keys`. */
  private reviewRows(count: Counting, keys: number[], scope: Scope): ReviewRow[] {
    if (typeof count === 'bigint') return this.reviewRowsByMask(count, scope);
    const sums = ['reviewed', ...JUDGED, ...BINS].map((c) => `SUM(${c})`).join(', ');
    if (count === 'counts' && keys.length <= 1) {
      return this.all<ReviewRow>(
        `SELECT run_id, level, ${sums} FROM review_counts WHERE akey = ? AND ${scope.counts.sql} GROUP BY run_id, level`,
        [keys[0] ?? -1, ...scope.counts.params],
        true,
      );
    }
    // Several annotators: one row per response they reviewed, its consensus and first step over all of them.
    const cons = consensusOf('SUM(yes)', 'SUM(no)', 'SUM(unclear)');
    const bin = `CASE WHEN MIN(first_step) IS NULL OR MAX(step_count) = 0 THEN NULL ELSE min(${FIRST_STEP_BINS - 1}, ${FIRST_STEP_BINS} * MIN(first_step) / MAX(step_count)) END`;
    const judged = JUDGED.map((j) => {
      const [side, c] = j.split('_');
      return `SUM(correct = ${side === 'right' ? 1 : 0} AND cons = '${c}')`;
    });
    return this.all<ReviewRow>(
      `SELECT run_id, level, COUNT(*), ${judged.join(', ')}, ${BINS.map((_, k) => `SUM(bin IS ${k})`).join(', ')}
         FROM (SELECT run_id, level, correct, ${cons} AS cons, ${bin} AS bin
                 FROM review_marks WHERE akey IN (${placeholders(Math.max(1, keys.length))}) AND ${scope.counts.sql} GROUP BY response_id)
        GROUP BY run_id, level`,
      [...(keys.length ? keys : [-1]), ...scope.counts.params],
      true,
    );
  }

  /**
   * The same from the mask counts: a response counts when one of S reviewed it; its consensus is the rule of
   * consensusOf over the verdicts of S (which of S said no, unclear, yes); its first tagged step over S is in bin k
   * when S meets the mask of bin k but not that of bin k - 1.
   */
  private reviewRowsByMask(s: bigint, scope: Scope): ReviewRow[] {
    const cons = consensusOf('(ymask & ?)', '(nmask & ?)', '(umask & ?)');
    const judged = JUDGED.map((j) => {
      const [side, c] = j.split('_');
      return `SUM(CASE WHEN correct = ${side === 'right' ? 1 : 0} AND cons = '${c}' THEN n ELSE 0 END)`;
    });
    const rows = new Map<string, ReviewRow>();
    const rowOf = (run: number, level: string) => {
      let row = rows.get(`${run}:${level}`);
      if (!row) rows.set(`${run}:${level}`, (row = [run, level, ...new Array<number>(1 + JUDGED.length + FIRST_STEP_BINS).fill(0)] as ReviewRow));
      return row;
    };
    for (const [run, level, ...sums] of this.all<ReviewRow>(
      `SELECT run_id, level, SUM(n), ${judged.join(', ')}
         FROM (SELECT run_id, level, correct, n, ${cons} AS cons FROM review_mask_counts WHERE ${scope.counts.sql} AND (rmask & ?) <> 0)
        GROUP BY run_id, level`,
      [s, s, s, ...scope.counts.params, s],
      true,
    )) {
      const row = rowOf(run, level);
      sums.forEach((n, i) => (row[2 + i] = n));
    }
    // Responses whose first tagged step over S is in bin <= k, per k; a bin's own count is the difference.
    const upTo = new Map<string, number[]>();
    for (const [run, level, k, n] of this.all<[number, string, number, number]>(
      `SELECT run_id, level, bin, SUM(n) FROM step_mask_counts WHERE ${scope.counts.sql} AND (mask & ?) <> 0 GROUP BY run_id, level, bin`,
      [...scope.counts.params, s],
      true,
    )) {
      const key = `${run}:${level}`;
      if (!upTo.has(key)) upTo.set(key, new Array<number>(FIRST_STEP_BINS).fill(0));
      upTo.get(key)![k] = n;
      rowOf(run, level);
    }
    for (const [key, cumulative] of upTo) {
      const row = rows.get(key)!;
      for (let k = 0; k < FIRST_STEP_BINS; k++) row[2 + 1 + JUDGED.length + k] = cumulative[k] - (k ? cumulative[k - 1] : 0);
    }
    return [...rows.values()];
  }

  /** Responses carrying each label per run × level. */
  private labelRows(count: Counting, keys: number[], labelIds: number[], scope: Scope): [number, string, number, number][] {
    if (labelIds.length === 0) return [];
    const labelsIn = `label_id IN (${placeholders(labelIds.length)})`;
    if (typeof count === 'bigint') {
      return this.all(
        `SELECT run_id, level, label_id, SUM(n) FROM label_mask_counts
          WHERE ${scope.counts.sql} AND ${labelsIn} AND (lmask & ?) <> 0 GROUP BY run_id, level, label_id`,
        [...scope.counts.params, ...labelIds, count],
        true,
      );
    }
    if (count === 'counts' && keys.length <= 1) {
      return this.all(
        `SELECT run_id, level, label_id, SUM(responses) FROM label_counts
          WHERE akey = ? AND ${scope.counts.sql} AND ${labelsIn} GROUP BY run_id, level, label_id`,
        [keys[0] ?? -1, ...scope.counts.params, ...labelIds],
        true,
      );
    }
    // De-duplicated first (a response labelled by two of them counts once): cheaper than COUNT(DISTINCT) per group.
    return this.all(
      `SELECT run_id, level, label_id, COUNT(*)
         FROM (SELECT DISTINCT response_id, label_id, run_id, level FROM label_marks
                WHERE akey IN (${placeholders(Math.max(1, keys.length))}) AND ${labelsIn} AND ${scope.counts.sql})
        GROUP BY run_id, level, label_id`,
      [...(keys.length ? keys : [-1]), ...labelIds, ...scope.counts.params],
      true,
    );
  }

  /** Responses carrying both of two different labels, label a < label b, over the runs and levels shown. */
  private pairRows(count: Counting, keys: number[], labelIds: number[], scope: Scope): [number, number, number][] {
    if (labelIds.length < 2) return [];
    const list = placeholders(labelIds.length);
    if (typeof count === 'bigint') {
      // Both labels by someone of S (not necessarily the same annotator), as the marks count it.
      return this.all(
        `SELECT label_a, label_b, SUM(n) FROM pair_mask_counts
          WHERE ${scope.counts.sql} AND label_a IN (${list}) AND label_b IN (${list}) AND (mask_a & ?) <> 0 AND (mask_b & ?) <> 0
          GROUP BY label_a, label_b`,
        [...scope.counts.params, ...labelIds, ...labelIds, count, count],
        true,
      );
    }
    if (count === 'counts' && keys.length <= 1) {
      return this.all(
        `SELECT label_a, label_b, SUM(responses) FROM pair_counts
          WHERE akey = ? AND ${scope.counts.sql} AND label_a IN (${list}) AND label_b IN (${list}) GROUP BY label_a, label_b`,
        [keys[0] ?? -1, ...scope.counts.params, ...labelIds, ...labelIds],
        true,
      );
    }
    // Their (response, label) pairs once each, joined with themselves through an automatic index on response_id.
    return this.all(
      `WITH m AS MATERIALIZED (
         SELECT DISTINCT response_id, label_id FROM label_marks
          WHERE akey IN (${placeholders(Math.max(1, keys.length))}) AND label_id IN (${list}) AND ${scope.counts.sql})
       SELECT a.label_id, b.label_id, COUNT(*) FROM m a JOIN m b ON b.response_id = a.response_id AND b.label_id > a.label_id
        GROUP BY a.label_id, b.label_id`,
      [...(keys.length ? keys : [-1]), ...labelIds, ...scope.counts.params],
      true,
    );
  }

  /** Responses each annotator (by id) reviewed, per run: `${annotator}:${run}` → count. */
  private progressRows(via: Via, ids: number[], scope: Scope): Map<string, number> {
    const done = new Map<string, number>();
    const add = (rows: [number, number, number][]) => rows.forEach(([akey, run, n]) => done.set(`${akey}:${run}`, n));
    if (via === 'marks') {
      add(this.all(
        `SELECT akey, run_id, COUNT(*) FROM review_marks WHERE akey IN (${placeholders(ids.length)}) AND ${scope.counts.sql} GROUP BY akey, run_id`,
        [...ids, ...scope.counts.params],
        true,
      ));
      return done;
    }
    const withBit = new Set(
      this.masks
        ? this.all<[number]>(`SELECT annotator_id FROM annotator_bits WHERE annotator_id IN (${placeholders(ids.length)})`, ids, true).map(([id]) => id)
        : [],
    );
    const masked = ids.filter((id) => withBit.has(id));
    const others = ids.filter((id) => !withBit.has(id));
    if (masked.length) {
      add(this.all(
        `SELECT b.annotator_id, c.run_id, SUM(c.n) FROM annotator_bits b JOIN review_mask_counts c ON (c.rmask >> b.bit) & 1 = 1
          WHERE b.annotator_id IN (${placeholders(masked.length)}) AND ${scope.counts.sql} GROUP BY b.annotator_id, c.run_id`,
        [...masked, ...scope.counts.params],
        true,
      ));
    }
    if (others.length) {
      add(this.all(
        `SELECT akey, run_id, SUM(reviewed) FROM review_counts
          WHERE akey IN (${placeholders(others.length)}) AND ${scope.counts.sql} GROUP BY akey, run_id`,
        [...others, ...scope.counts.params],
        true,
      ));
    }
    return done;
  }

  /** The responses the filter keeps, as conditions on the kept counts' run_id, level and domain. */
  private scope(runIds: number[], levels?: string[], domains?: string[]): Scope {
    const counts = [`run_id IN (${placeholders(runIds.length)})`];
    const params: unknown[] = [...runIds];
    if (levels?.length) {
      counts.push(`level IN (${placeholders(levels.length)})`);
      params.push(...levels);
    }
    if (domains?.length) {
      counts.push(`domain IN (${placeholders(domains.length)})`);
      params.push(...domains);
    }
    return { counts: { sql: counts.join(' AND '), params } };
  }
}

interface Scope {
  counts: Sql;
}

/** A mask of annotators (mask counts); 0004's counts, per-response marks for several; or always the marks. */
type Counting = bigint | 'counts' | 'marks';

function hasTable(db: Db, table: string): boolean {
  try {
    db.prepare(`SELECT 1 FROM ${table}`); // prepared only: it fails on a missing table, and reads nothing
    return true;
  } catch {
    return false;
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
