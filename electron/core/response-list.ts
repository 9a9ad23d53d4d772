// The response list: filters and a sort turned into SQL that pages through indexes. Nothing here loads the whole list:
// a page is one `LIMIT/OFFSET` query for ids and one query for those rows; the total is a separate COUNT.
//
// Every filter is a condition on `responses x` alone (joins only where a sort key needs one). Each statement reads
// responses one of two ways, chosen from the total:
//   covering   along the responses_list index (migration 0002), which holds every column the list filters and sorts
//              on. Sorted by sample, this is the index's own order: a page stops after offset + limit matches.
//   selective  SQLite starts from the most selective filter's own index (tags_label, verdicts_annotator, the FTS hits,
//              responses_run_outcome, samples_sample_id) and sorts what it finds: best when the matches are few.
// Measured at 1M responses (3 runs, 2,432 samples, bench/generate.ts chains; 2-core EPYC, warm cache), page + total:
// default list 10 ms, one run's wrong answers 5 ms, offset 900,000 15 ms, a label or verdict 3–10 ms, sort by steps
// or run 60–110 ms, by tag count ~300 ms, "no verdict yet" ~200 ms, a word in most chains alone 30–60 ms and with
// other conditions 200–450 ms (collecting the hits). Locating a row costs about the same as its page.
import { z } from 'zod';
import type { Level, Method, ResponseFilter, ResponseRow, ReviewStatus, Supports } from '../../shared/api.ts';
import { ResponseSortSchema } from '../../shared/api.ts';
import { CotscopeError } from './errors.ts';
import { ftsQuery } from './fts-query.ts';
import { StatementCache } from './statements.ts';
import type { Db } from './store.ts';

export type ResponseSort = z.infer<typeof ResponseSortSchema>;
export type SortOrder = 'asc' | 'desc';

const TAG_COUNT = '(SELECT COUNT(*) FROM tags t WHERE t.response_id = x.id AND t.deleted_at IS NULL)';

/**
 * Sort keys, most significant first. Each list ends in keys that make the order total (no two rows compare equal),
 * so pages never split ties differently between two queries, and `locate` can count the rows before one.
 * `sample` is the list index's own order: samples in import order, then run, then rollout.
 */
const SORTS: Record<ResponseSort, { keys: string[]; join: Join }> = {
  sample: { keys: ['x.sample_id', 'x.run_id', 'x.rollout'], join: '' },
  run: { keys: ['r.name', 'x.sample_id', 'x.rollout'], join: 'r' },
  level: { keys: ['s.level', 'x.sample_id', 'x.run_id', 'x.rollout'], join: 's' },
  correct: { keys: ['x.correct', 'x.sample_id', 'x.run_id', 'x.rollout'], join: '' },
  steps: { keys: ['x.step_count', 'x.sample_id', 'x.run_id', 'x.rollout'], join: '' },
  tags: { keys: [TAG_COUNT, 'x.sample_id', 'x.run_id', 'x.rollout'], join: '' },
};

type Join = '' | 's' | 'r';
const JOINS: Record<Join, string> = { '': '', s: ' JOIN samples s ON s.id = x.sample_id', r: ' JOIN runs r ON r.id = x.run_id' };

/** A filter and sort, resolved against the workspace (run names, label keys, annotators) and ready to run. */
export interface ListQuery {
  join: Join;
  /** Conditions other than the full-text search, ANDed. */
  conditions: string[];
  params: unknown[];
  /** The FTS5 query of the text filter, or null. */
  match: string | null;
  keys: string[];
  order: SortOrder;
  /** Sorted by sample: the list index's own order. */
  indexOrder: boolean;
  /**
   * The conditions that are "x.id IN (SELECT response_id FROM …)" (labels, a verdict, a review status, an annotator),
   * as their subqueries. When every condition is one, the count needs no response row at all: it is the size of the
   * subqueries' INTERSECT (tags and verdicts only point at existing responses: foreign keys, cascading deletes).
   */
  idSets: IdSet[];
}

/** A condition "x.id IN (sql)", or with `negated` "x.id NOT IN (sql)"; sql selects response_id. */
interface IdSet {
  sql: string;
  params: unknown[];
  negated: boolean;
}

export type Access = 'covering' | 'selective';

/** One statement as the store runs it. */
export interface PlannedQuery {
  sql: string;
  params: unknown[];
  access: Access;
}

/**
 * How much more a row found through a filter's own index costs than one step along the list index (a table lookup
 * and a sorter insert against reading one index entry). Measured at 1M responses: 10 to 20.
 */
const SELECTIVE_COST = 10;

/** Rows a page may check one by one against the full-text index (~40 µs each at 1M responses) before collecting. */
const PROBE_STEPS = 2000;

// "Where in the chain the first tagged step falls": review_marks.first_step (migration 0004) is the smallest step a
// live tag marks — its first step when it spans steps; for a character span, the step holding the span's start (the
// last step starting at or before it; 0 before the first). Tags of a time range or the whole response mark no step.
// Its relative position is first_step / step_count: 0 is the first step, (n-1)/n the last.

/** The consensus of verdict counts (yes, no, unclear as SQL expressions), as review_marks.cons computes it. */
export const consensusOf = (yes: string, no: string, unclear: string) =>
  `(CASE WHEN ${no} > 0 THEN 'no' WHEN ${unclear} > 0 THEN 'unclear' WHEN ${yes} > 0 THEN 'yes' ELSE 'unjudged' END)`;

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');
const bool = (b: boolean) => (b ? 1 : 0);

interface RowOut {
  id: number;
  sample_id: string;
  level: Level;
  run: string;
  method: Method;
  rollout: number;
  prediction: ResponseRow['prediction'];
  golden: ResponseRow['golden'];
  correct: number;
  format_ok: number;
  score_disagreement: number;
  step_count: number;
  tag_count: number;
  supports: Supports | null;
  review_status: ReviewStatus | null;
  task_goal: string | null;
}

export class ResponseList {
  private readonly cache: StatementCache;
  private readonly runsByName;
  private readonly runsByMethod;
  private readonly labelIds;
  private readonly annotatorId;
  private readonly annotatorIds;
  private readonly annotatorCount;
  private readonly rowsById;
  private readonly maxId;
  private readonly ftsHits;

  constructor(db: Db) {
    this.cache = new StatementCache(db);
    this.runsByName = db.prepare('SELECT id FROM runs WHERE name IN (SELECT value FROM json_each(?))').pluck();
    this.runsByMethod = db.prepare('SELECT id FROM runs WHERE method IN (SELECT value FROM json_each(?))').pluck();
    this.labelIds = db.prepare('SELECT id FROM labels WHERE key IN (SELECT value FROM json_each(?)) ORDER BY id').pluck();
    this.annotatorId = db.prepare('SELECT id FROM annotators WHERE name = ?').pluck();
    this.annotatorCount = db.prepare('SELECT COUNT(*) FROM annotators').pluck();
    this.annotatorIds = db.prepare('SELECT id FROM annotators WHERE name IN (SELECT value FROM json_each(?)) ORDER BY id').pluck();
    this.maxId = db.prepare('SELECT MAX(id) FROM responses').pluck();
    this.ftsHits = db.prepare('SELECT COUNT(*) FROM responses_fts WHERE responses_fts MATCH ?').pluck();
    this.rowsById = db.prepare(
      `SELECT x.id, s.sample_id, s.level, r.name AS run, r.method, x.rollout, x.prediction, s.golden, x.correct,
              x.format_ok, x.score_disagreement, x.step_count, ${TAG_COUNT} AS tag_count, v.supports, v.review_status,
              s.task_goal
         FROM responses x
         JOIN samples s ON s.id = x.sample_id
         JOIN runs r ON r.id = x.run_id
         LEFT JOIN verdicts v ON v.response_id = x.id AND v.annotator_id = ? AND v.deleted_at IS NULL
        WHERE x.id IN (SELECT value FROM json_each(?))`,
    );
  }

  /**
   * Resolves a filter and sort. `me` is the current annotator's id, or null before their first tag or verdict (then
   * nothing is judged yet). An empty list in the filter (no level ticked) means "not filtered"; names that match
   * nothing (an unknown run, label or annotator) match no responses.
   */
  build(filter: ResponseFilter, sort: ResponseSort, order: SortOrder, me: number | null): ListQuery {
    const conditions: string[] = [];
    const params: unknown[] = [];
    const idSets: IdSet[] = [];
    const never = () => conditions.push('0');
    /** A condition "x.id IN (subquery)": kept as a condition, and as an id set for the count. */
    const inIds = (sql: string, values: unknown[], negated = false) => {
      conditions.push(`x.id ${negated ? 'NOT IN' : 'IN'} (${sql})`);
      params.push(...values);
      idSets.push({ sql, params: values, negated });
    };

    if (filter.levels?.length) {
      conditions.push(`x.sample_id IN (SELECT id FROM samples WHERE level IN (${placeholders(filter.levels.length)}))`);
      params.push(...filter.levels);
    }
    if (filter.runs?.length || filter.methods?.length) {
      // Runs are few: names and methods become ids here, so the condition is on the indexed run_id.
      let ids: number[] | null = null;
      if (filter.runs?.length) ids = this.runsByName.all(JSON.stringify(filter.runs)) as number[];
      if (filter.methods?.length) {
        const byMethod = this.runsByMethod.all(JSON.stringify(filter.methods)) as number[];
        ids = ids ? ids.filter((id) => byMethod.includes(id)) : byMethod;
      }
      if (!ids?.length) never();
      else {
        conditions.push(`x.run_id IN (${placeholders(ids.length)})`);
        params.push(...ids.sort((a, b) => a - b));
      }
    }
    if (filter.correct !== undefined) {
      conditions.push(`x.correct = ${bool(filter.correct)}`); // a literal: see migration 0003
    }
    if (filter.formatOk !== undefined) {
      conditions.push(`x.format_ok = ${bool(filter.formatOk)}`); // a literal: see migration 0003
    }
    if (filter.disagreement !== undefined) {
      conditions.push(`x.score_disagreement = ${bool(filter.disagreement)}`); // a literal: see migration 0003
    }
    if (filter.domains?.length) {
      conditions.push(`x.sample_id IN (SELECT id FROM samples WHERE domain IN (${placeholders(filter.domains.length)}))`);
      params.push(...filter.domains);
    }
    // Whose work counts for labels, allLabels, consensus, reviewed and firstStep: `by`, default everyone. These read the
    // review marks kept by migration 0004's triggers (one row per annotator and response reviewed, akey 0 for everyone).
    const keys = filter.by?.length ? this.akeys(filter.by) : [0];
    const one = keys.length === 1;
    const akeyIn = keys.length ? `akey IN (${placeholders(keys.length)})` : '0';
    if (filter.labels?.length) {
      const ids = this.labelIds.all(JSON.stringify(filter.labels)) as number[];
      if (ids.length === 0) never();
      else if (!filter.by?.length) {
        // Answered by the partial index tags_label (label_id, response_id) WHERE deleted_at IS NULL alone.
        inIds(`SELECT response_id FROM tags WHERE label_id IN (${placeholders(ids.length)}) AND deleted_at IS NULL`, ids);
      } else {
        inIds(`SELECT response_id FROM label_marks WHERE ${akeyIn} AND label_id IN (${placeholders(ids.length)})`, [...keys, ...ids]);
      }
    }
    if (filter.allLabels?.length) {
      const wanted = [...new Set(filter.allLabels)];
      const ids = this.labelIds.all(JSON.stringify(wanted)) as number[];
      if (ids.length < wanted.length) never();
      else for (const labelId of ids) inIds(`SELECT response_id FROM label_marks WHERE ${akeyIn} AND label_id = ?`, [...keys, labelId]);
    }
    if (filter.consensus !== undefined) {
      // No if any chosen annotator says no; yes if every one that judged says yes; unclear otherwise (CONSENSUS).
      if (filter.consensus === 'unjudged') {
        inIds(`SELECT response_id FROM review_marks WHERE ${akeyIn} AND yes + no + unclear > 0`, keys, true);
      } else if (one) {
        inIds('SELECT response_id FROM review_marks WHERE akey = ? AND cons = ?', [...keys, filter.consensus]);
      } else {
        inIds(
          `SELECT response_id FROM review_marks WHERE ${akeyIn} GROUP BY response_id HAVING ${consensusOf('SUM(yes)', 'SUM(no)', 'SUM(unclear)')} = ?`,
          [...keys, filter.consensus],
        );
      }
    }
    if (filter.reviewed !== undefined) {
      // A mark exists exactly while the annotator has a live tag or a judging or done verdict on the response.
      inIds(`SELECT response_id FROM review_marks WHERE ${akeyIn}`, keys, !filter.reviewed);
    }
    if (filter.firstStep !== undefined) {
      const [from, to] = filter.firstStep;
      // The relative position first_step / step_count (see above). The last range (to = 1) is closed, so the
      // ten dashboard bins together cover every position.
      const range = (pos: string) => `${pos} >= ?${to >= 1 ? '' : ` AND ${pos} < ?`}`;
      const bounds = to >= 1 ? [from] : [from, to];
      if (one) {
        inIds(
          `SELECT response_id FROM review_marks WHERE akey = ? AND first_step IS NOT NULL AND step_count > 0 AND ${range('first_step * 1.0 / step_count')}`,
          [...keys, ...bounds],
        );
      } else {
        inIds(
          `SELECT response_id FROM review_marks WHERE ${akeyIn} AND first_step IS NOT NULL AND step_count > 0
            GROUP BY response_id HAVING ${range('MIN(first_step) * 1.0 / MAX(step_count)')}`,
          [...keys, ...bounds],
        );
      }
    }
    const judge = me ?? -1;
    if (filter.verdict !== undefined) {
      if (filter.verdict === 'none') {
        inIds('SELECT response_id FROM verdicts WHERE annotator_id = ? AND supports IS NOT NULL AND deleted_at IS NULL', [judge], true);
      } else {
        inIds('SELECT response_id FROM verdicts WHERE annotator_id = ? AND supports = ? AND deleted_at IS NULL', [judge, filter.verdict]);
      }
    }
    if (filter.review !== undefined) {
      if (filter.review === 'todo') {
        inIds("SELECT response_id FROM verdicts WHERE annotator_id = ? AND review_status <> 'todo' AND deleted_at IS NULL", [judge], true);
      } else {
        inIds('SELECT response_id FROM verdicts WHERE annotator_id = ? AND review_status = ? AND deleted_at IS NULL', [judge, filter.review]);
      }
    }
    if (filter.annotator !== undefined) {
      const id = this.annotatorId.get(filter.annotator.trim()) as number | undefined;
      if (id === undefined) never();
      else {
        inIds(
          'SELECT response_id FROM tags WHERE annotator_id = ? AND deleted_at IS NULL ' +
            'UNION SELECT response_id FROM verdicts WHERE annotator_id = ? AND deleted_at IS NULL',
          [id, id],
        );
      }
    }
    if (filter.sampleId !== undefined && filter.sampleId.trim() !== '') {
      conditions.push('x.sample_id IN (SELECT id FROM samples WHERE sample_id = ?)');
      params.push(filter.sampleId.trim());
    }
    const match = filter.text === undefined ? null : ftsQuery(filter.text);

    const s = SORTS[sort];
    return { join: s.join, conditions, params, match, keys: s.keys, order, indexOrder: sort === 'sample', idSets };
  }

  /**
   * The statements of one page, chosen by cost: walking the list index costs about (offset + limit) · N / total steps
   * when sorted by sample (it stops after the page), N otherwise; starting from the filters costs about
   * SELECTIVE_COST per row they find. `total` is the count's answer.
   */
  plan(q: ListQuery, offset: number, limit: number): { count: PlannedQuery | number; page: (total: number) => PlannedQuery } {
    const n = this.size();
    const hits = q.match === null ? 0 : (this.ftsHits.get(q.match) as number);
    const count = this.countQuery(q, n, hits);
    const page = (total: number): PlannedQuery => {
      const found = Math.max(total, hits); // a text filter finds all its hits before the other conditions apply
      const access: Access = q.indexOrder
        ? (offset + limit) * n <= SELECTIVE_COST * total * found ? 'covering' : 'selective'
        : found * SELECTIVE_COST > n ? 'covering' : 'selective';
      // Walking in order near the top of the list, asking the full-text index about each row met is cheaper than
      // first collecting every hit (which costs as much as the walk saves when the word is in most chains); deeper
      // down, the walk meets too many rows for that.
      const probe = access === 'covering' && q.indexOrder && ((offset + limit) * n) / Math.max(total, 1) <= PROBE_STEPS;
      const where = this.where(q, probe ? 'probe' : 'collect');
      return {
        sql: `SELECT x.id ${this.from(q, access)} WHERE ${where.sql} ORDER BY ${this.orderBy(q, access)} LIMIT ? OFFSET ?`,
        params: [...where.params, limit, offset],
        access,
      };
    };
    return { count, page };
  }

  page(q: ListQuery, offset: number, limit: number, me: number | null): { total: number; rows: ResponseRow[] } {
    return this.guard(() => {
      const plan = this.plan(q, offset, limit);
      const total = this.total(plan.count);
      if (total === 0 || offset >= total) return { total, rows: [] };
      const page = plan.page(total);
      const ids = this.cache.get(page.sql).pluck().all(...page.params) as number[];
      return { total, rows: this.rows(ids, me) };
    });
  }

  /** Every matching id in the list's order, read as the caller goes (exports): one statement, nothing held. */
  *ids(q: ListQuery): Generator<number> {
    const total = this.total(this.plan(q, 0, 1).count);
    if (total === 0) return;
    // Planned as one page holding the whole list, so the planner weighs walking the list index against the filters'.
    const page = this.plan(q, 0, total).page(total);
    yield* this.cache.get(page.sql).pluck().iterate(...page.params) as IterableIterator<number>;
  }

  /** Position of response `id` in the list, or null when the filter leaves it out. */
  locate(q: ListQuery, id: number): { index: number | null; total: number } {
    return this.guard(() => {
      const n = this.size();
      const hits = q.match === null ? 0 : (this.ftsHits.get(q.match) as number);
      const total = this.total(this.countQuery(q, n, hits));
      const self = this.where(q, 'probe');
      const keys = this.cache
        .get(`SELECT ${q.keys.map((k, i) => `${k} AS k${i}`).join(', ')} ${this.from(q, 'selective')} WHERE x.id = ? AND ${self.sql}`)
        .raw()
        .get(id, ...self.params) as unknown[] | undefined;
      if (!keys) return { index: null, total };
      // The order is total, so the rows before this one are exactly those whose keys compare lower (higher when
      // descending). Counting them reads every match, or the list index up to the row.
      const access: Access = Math.max(total, hits) * SELECTIVE_COST > n ? 'covering' : 'selective';
      const where = this.where(q, 'collect');
      const before = this.cache
        .get(
          `SELECT COUNT(*) ${this.from(q, access)} WHERE ${where.sql} ` +
            `AND (${q.keys.join(', ')}) ${q.order === 'desc' ? '>' : '<'} (${placeholders(q.keys.length)})`,
        )
        .pluck()
        .get(...where.params, ...keys) as number;
      return { index: before, total };
    });
  }

  /** The count, or the number itself when the full-text index already knows it. */
  private countQuery(q: ListQuery, n: number, hits: number): PlannedQuery | number {
    if (q.match !== null && q.conditions.length === 0) return hits; // one FTS row per response
    if (q.match === null && q.idSets.length > 0 && q.idSets.length === q.conditions.length) return this.countIdSets(q.idSets);
    // SQLite counts from the narrowest index that answers the conditions. The trap is a full-text search that hits
    // most chains, with other conditions: driven by its hits, each is a table lookup; the list index is cheaper.
    const access: Access = q.match !== null && hits * SELECTIVE_COST > n ? 'covering' : 'selective';
    const where = this.where(q, 'collect');
    return { sql: `SELECT COUNT(*) ${this.from({ ...q, join: '' }, access)} WHERE ${where.sql}`, params: where.params, access };
  }

  private total(count: PlannedQuery | number): number {
    return typeof count === 'number' ? count : (this.cache.get(count.sql).pluck().get(...count.params) as number);
  }

  private where(q: ListQuery, text: 'collect' | 'probe'): { sql: string; params: unknown[] } {
    const conditions = [...q.conditions];
    const params = [...q.params];
    if (q.match !== null) {
      conditions.push(
        text === 'collect'
          ? 'x.id IN (SELECT rowid FROM responses_fts WHERE responses_fts MATCH ?)'
          : 'EXISTS (SELECT 1 FROM responses_fts WHERE responses_fts MATCH ? AND rowid = x.id)',
      );
      params.push(q.match);
    }
    return { sql: conditions.length ? conditions.join(' AND ') : '1', params };
  }

  private from(q: Pick<ListQuery, 'join'>, access: Access): string {
    return `FROM responses x${access === 'covering' ? ' INDEXED BY responses_list' : ''}${JOINS[q.join]}`;
  }

  private orderBy(q: ListQuery, access: Access): string {
    const dir = q.order === 'desc' ? ' DESC' : '';
    // Gathering, `+` keeps SQLite from walking an index for the order instead of starting from the filter's index.
    const plus = access === 'selective' && q.indexOrder ? '+' : '';
    return q.keys.map((k) => plus + k + dir).join(', ');
  }

  /**
   * The review-mark keys of a set of annotator names: [0] (everyone together) when the names cover every annotator of
   * the workspace, else their ids. Names that match no annotator are dropped; none left gives [], which matches no mark.
   */
  akeys(names: string[]): number[] {
    const ids = this.annotatorIds.all(JSON.stringify(names.map((n) => n.trim()))) as number[];
    if (ids.length > 0 && ids.length === this.annotatorCount.get()) return [0];
    return ids;
  }

  /** About how many responses there are: ids only grow. */
  /**
   * The count when every condition is an id set: no response row is read. Positive sets intersect, negated ones
   * are taken away (EXCEPT); with only negated sets, from all responses. DISTINCT: one response may carry a label
   * twice. Each set is wrapped, so a set that is itself a UNION cannot regroup the compound select (compound
   * SELECTs group left to right).
   */
  private countIdSets(sets: IdSet[]): PlannedQuery {
    const wrap = (x: IdSet) => `SELECT response_id FROM (${x.sql})`;
    const pos = sets.filter((x) => !x.negated);
    const neg = sets.filter((x) => x.negated);
    if (pos.length === 0) {
      return {
        sql: `SELECT (SELECT COUNT(*) FROM responses) - (SELECT COUNT(DISTINCT response_id) FROM (${neg.map(wrap).join(' UNION ')}))`,
        params: neg.flatMap((x) => x.params),
        access: 'selective',
      };
    }
    return {
      sql: `SELECT COUNT(DISTINCT response_id) FROM (${[pos.map(wrap).join(' INTERSECT '), ...neg.map(wrap)].join(' EXCEPT ')})`,
      params: [...pos, ...neg].flatMap((x) => x.params),
      access: 'selective',
    };
  }

  private size(): number {
    return (this.maxId.get() as number | null) ?? 0;
  }

  private rows(ids: number[], me: number | null): ResponseRow[] {
    if (ids.length === 0) return [];
    const byId = new Map<number, ResponseRow>();
    for (const r of this.rowsById.all(me ?? -1, JSON.stringify(ids)) as RowOut[]) {
      byId.set(r.id, {
        id: r.id,
        sampleId: r.sample_id,
        level: r.level,
        run: r.run,
        method: r.method,
        rollout: r.rollout,
        prediction: r.prediction,
        golden: r.golden,
        correct: r.correct === 1,
        formatOk: r.format_ok === 1,
        disagreement: r.score_disagreement === 1,
        stepCount: r.step_count,
        tagCount: r.tag_count,
        supports: r.supports ?? null,
        reviewStatus: r.review_status ?? 'todo',
        taskGoal: r.task_goal,
      });
    }
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** ftsQuery makes any text safe; should FTS5 still refuse one, the user hears about the field, not an internal error. */
  private guard<T>(run: () => T): T {
    try {
      return run();
    } catch (err) {
      const msg = (err as Error).message ?? '';
      if (/fts5/i.test(msg)) throw new CotscopeError(`field \`filter.text\`: cannot search for this text (${msg})`, 'invalid');
      throw err;
    }
  }
}
