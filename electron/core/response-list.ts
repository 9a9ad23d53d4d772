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

const TAG_COUNT = "(SELECT COUNT(*) FROM tags t WHERE t.response_id = x.id AND t.deleted_at IS NULL AND t.origin <> 'suggestion')";

/**
 * Sort keys, most significant first. Each list ends in keys that make the order total (no two rows compare equal),
 * so pages never split ties differently between two queries, and `locate` can count the rows before one.
 * `sample` is the list index's own order: samples in import order, then run, then rollout.
 */
const SORTS: Record<ResponseSort, { keys: string[]; join: Join; index?: string }> = {
  sample: { keys: ['x.sample_id', 'x.run_id', 'x.rollout'], join: '', index: 'responses_list' },
  run: { keys: ['r.name', 'x.sample_id', 'x.rollout'], join: 'r' },
  level: { keys: ['s.level', 'x.sample_id', 'x.run_id', 'x.rollout'], join: 's' },
  correct: { keys: ['x.correct', 'x.sample_id', 'x.run_id', 'x.rollout'], join: '' },
  steps: { keys: ['x.step_count', 'x.sample_id', 'x.run_id', 'x.rollout'], join: '', index: 'responses_steps' },
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
  /**
   * The covering index whose order is the sort's own (its keys lead it, in the same order): responses_list by sample,
   * responses_steps (migration 0008) by step count; null for the other sorts. Walked, a page stops after its rows.
   */
  orderIndex: string | null;
  /** Sorted by sample: the list index's own order. */
  indexOrder: boolean;
  /**
   * The conditions that are "x.id IN (SELECT response_id FROM …)" (labels, a verdict, a review status, an annotator),
   * as their subqueries. When every condition is one, the count needs no response row at all: it is the size of the
   * subqueries' INTERSECT (tags and verdicts only point at existing responses: foreign keys, cascading deletes).
   */
  idSets: IdSet[];
  /** The same filter read from the marks alone, or null when it says more than the marks carry (see MarksPath). */
  marks: MarksPath | null;
  /**
   * Sorted by tag count, with conditions the marks carry (or none): the conditions on everyone's review marks (alias m,
   * without akey), for the two-part page (see taggedPage); null otherwise.
   */
  tagged: { where: string; params: unknown[] } | null;
}

/**
 * A filter that is one set of marks (a label, a consensus or a first-step bin, by everyone or by one annotator) plus
 * conditions the marks carry themselves (runs, levels, domains, correctness): the drill-downs of the dashboard's bars.
 * Such a list is the marks' rows that match `where` (alias m): its total is a count over a range of `index`
 * (migration 0008), and a page in library order walks that range in question order, stopping after the page. A
 * response has at most one mark per (akey, label) and per akey, so a count of rows is a count of responses.
 */
export interface MarksPath {
  table: 'review_marks' | 'label_marks';
  index: string;
  where: string;
  params: unknown[];
}

/** A condition "x.id IN (sql)", or with `negated` "x.id NOT IN (sql)"; sql selects response_id. */
interface IdSet {
  sql: string;
  params: unknown[];
  negated: boolean;
}

/** covering and selective: see the top of this file; marks: along a marks index (MarksPath). */
export type Access = 'covering' | 'selective' | 'marks';

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

/**
 * The first-step bin (review_marks.bin, 0–9) whose positions are exactly [from, to) — [from, 1] for the last — or null
 * when the range is not one bin (the dashboard's bars are bins). Exact: with integers f ≥ 0 and s > 0, f / s ≥ k / 10
 * holds in floating point exactly when 10·f ≥ k·s, as the two quotients are either equal or further apart than
 * their rounding; and bin = min(9, 10·f div s) is at least k exactly when 10·f ≥ k·s (k ≤ 9).
 */
export function binOf(from: number, to: number): number | null {
  const k = Math.round(from * 10);
  if (k < 0 || k > 9 || k / 10 !== from) return null;
  if (k === 9 ? to >= 1 : to === (k + 1) / 10 && to < 1) return k;
  return null;
}

/**
 * review_marks' bin and cons as migration 0008 indexes them: the generated columns' values, written as expressions so
 * that SQLite reads them from the index alone. Change both sides together.
 */
const MARK_BIN = 'min(9, 10 * m.first_step / m.step_count)';
const MARK_CONS = consensusOf('m.yes', 'm.no', 'm.unclear');

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
    // Everyone (akey 0) is every person and judge: the automatic checks keep no marks.
    this.annotatorCount = db.prepare("SELECT COUNT(*) FROM annotators WHERE kind <> 'auto'").pluck();
    this.annotatorIds = db.prepare("SELECT id FROM annotators WHERE kind <> 'auto' AND name IN (SELECT value FROM json_each(?)) ORDER BY id").pluck();
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
    // The marks path (MarksPath): the conditions again, on the marks' own columns, while the filter allows it.
    const carried = { ok: true, where: [] as string[], params: [] as unknown[], set: null as { table: MarksPath['table']; index: string; alone: boolean } | null };
    const notCarried = () => (carried.ok = false);
    const carry = (sql: string, values: unknown[] = []) => {
      carried.where.push(sql);
      carried.params.push(...values);
    };
    /** The filter's one set of marks: `where` holds its conditions; `alone` keeps tags_label for a label by itself. */
    const markSet = (table: MarksPath['table'], index: string, sql: string, values: unknown[], alone = false) => {
      if (carried.set) notCarried();
      carried.set = { table, index, alone };
      carry(sql, values);
    };
    const never = () => {
      conditions.push('0');
      notCarried();
    };
    /** A condition "x.id IN (subquery)": kept as a condition, and as an id set for the count. */
    const inIds = (sql: string, values: unknown[], negated = false) => {
      conditions.push(`x.id ${negated ? 'NOT IN' : 'IN'} (${sql})`);
      params.push(...values);
      idSets.push({ sql, params: values, negated });
    };

    if (filter.levels?.length) {
      conditions.push(`x.sample_id IN (SELECT id FROM samples WHERE level IN (${placeholders(filter.levels.length)}))`);
      params.push(...filter.levels);
      carry(`m.level IN (${placeholders(filter.levels.length)})`, filter.levels);
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
        carry(`m.run_id IN (${placeholders(ids.length)})`, ids);
      }
    }
    if (filter.correct !== undefined) {
      conditions.push(`x.correct = ${bool(filter.correct)}`); // a literal: see migration 0003
      carry(`m.correct = ${bool(filter.correct)}`);
    }
    if (filter.formatOk !== undefined) {
      conditions.push(`x.format_ok = ${bool(filter.formatOk)}`); // a literal: see migration 0003
      notCarried();
    }
    if (filter.disagreement !== undefined) {
      conditions.push(`x.score_disagreement = ${bool(filter.disagreement)}`); // a literal: see migration 0003
      notCarried();
    }
    if (filter.domains?.length) {
      conditions.push(`x.sample_id IN (SELECT id FROM samples WHERE domain IN (${placeholders(filter.domains.length)}))`);
      params.push(...filter.domains);
      // The marks hold '' for a sample without a domain, which the samples' own column holds as NULL.
      if (filter.domains.includes('')) notCarried();
      else carry(`m.domain IN (${placeholders(filter.domains.length)})`, filter.domains);
    }
    // Whose work counts for labels, allLabels, consensus, reviewed and firstStep: `by`, default everyone. These read the
    // review marks kept by migration 0004's triggers (one row per annotator and response reviewed, akey 0 for everyone).
    const keys = filter.by?.length ? this.akeys(filter.by) : [0];
    const one = keys.length === 1;
    const akeyIn = keys.length ? `akey IN (${placeholders(keys.length)})` : '0';
    if (filter.labels?.length) {
      const ids = this.labelIds.all(JSON.stringify(filter.labels)) as number[];
      // Everyone's label marks (akey 0) are the live tags of people and judges: the checks' suggestions keep none.
      if (ids.length === 0) never();
      else inIds(`SELECT response_id FROM label_marks WHERE ${akeyIn} AND label_id IN (${placeholders(ids.length)})`, [...keys, ...ids]);
      // Everyone's marks of a label are its live tags (akey 0), people's and judges'.
      if (ids.length === 1 && one) markSet('label_marks', 'label_marks_label', 'm.akey = ? AND m.label_id = ?', [...keys, ...ids], !filter.by?.length);
      else notCarried();
    }
    if (filter.allLabels?.length) {
      const wanted = [...new Set(filter.allLabels)];
      const ids = this.labelIds.all(JSON.stringify(wanted)) as number[];
      if (ids.length < wanted.length) never();
      else for (const labelId of ids) inIds(`SELECT response_id FROM label_marks WHERE ${akeyIn} AND label_id = ?`, [...keys, labelId]);
      if (ids.length === 1 && one) markSet('label_marks', 'label_marks_label', 'm.akey = ? AND m.label_id = ?', [...keys, ...ids]);
      else notCarried();
    }
    if (filter.consensus !== undefined) {
      // No if any chosen annotator says no; yes if every one that judged says yes; unclear otherwise (CONSENSUS).
      if (filter.consensus === 'unjudged') {
        inIds(`SELECT response_id FROM review_marks WHERE ${akeyIn} AND yes + no + unclear > 0`, keys, true);
        notCarried();
      } else if (one) {
        inIds('SELECT response_id FROM review_marks WHERE akey = ? AND cons = ?', [...keys, filter.consensus]);
        markSet('review_marks', 'review_marks_cons', `m.akey = ? AND ${MARK_CONS} = ?`, [...keys, filter.consensus]);
      } else {
        inIds(
          `SELECT response_id FROM review_marks WHERE ${akeyIn} GROUP BY response_id HAVING ${consensusOf('SUM(yes)', 'SUM(no)', 'SUM(unclear)')} = ?`,
          [...keys, filter.consensus],
        );
        notCarried();
      }
    }
    if (filter.reviewed !== undefined) {
      // A mark exists exactly while the annotator has a live tag or a judging or done verdict on the response.
      inIds(`SELECT response_id FROM review_marks WHERE ${akeyIn}`, keys, !filter.reviewed);
      notCarried();
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
        const bin = binOf(from, to);
        if (bin === null) notCarried();
        else markSet('review_marks', 'review_marks_bin', `m.akey = ? AND ${MARK_BIN} = ?`, [...keys, bin]);
      } else {
        inIds(
          `SELECT response_id FROM review_marks WHERE ${akeyIn} AND first_step IS NOT NULL AND step_count > 0
            GROUP BY response_id HAVING ${range('MIN(first_step) * 1.0 / MAX(step_count)')}`,
          [...keys, ...bounds],
        );
        notCarried();
      }
    }
    const judge = me ?? -1;
    if (filter.verdict !== undefined || filter.review !== undefined || filter.annotator !== undefined) notCarried();
    if ((filter.sampleId !== undefined && filter.sampleId.trim() !== '') || filter.text !== undefined) notCarried();
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
    if (filter.undecided) inIds('SELECT response_id FROM suggestions WHERE decision IS NULL', []);
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

    // Multi-annotator sets (de-duplicated by GROUP BY) and negated ones leave `carried.set` empty or `ok` false.
    const set = carried.set;
    const marks: MarksPath | null =
      carried.ok && set !== null && !(set.alone && carried.where.length === 1)
        ? { table: set.table, index: set.index, where: carried.where.join(' AND '), params: carried.params }
        : null;
    const s = SORTS[sort];
    const tagged = sort === 'tags' && carried.ok && set === null && match === null ? { where: carried.where.join(' AND '), params: carried.params } : null;
    return { join: s.join, conditions, params, match, keys: s.keys, order, orderIndex: s.index ?? null, indexOrder: sort === 'sample', idSets, marks, tagged };
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
      if (q.marks !== null && q.indexOrder) return this.marksPage(q.marks, q.order, offset, limit);
      const found = Math.max(total, hits); // a text filter finds all its hits before the other conditions apply
      const access: Access = q.orderIndex !== null
        ? (offset + limit) * n <= SELECTIVE_COST * total * found ? 'covering' : 'selective'
        : found * SELECTIVE_COST > n ? 'covering' : 'selective';
      // Walking in order near the top of the list, asking the full-text index about each row met is cheaper than
      // first collecting every hit (which costs as much as the walk saves when the word is in most chains); deeper
      // down, the walk meets too many rows for that.
      const probe = access === 'covering' && q.orderIndex !== null && ((offset + limit) * n) / Math.max(total, 1) <= PROBE_STEPS;
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
      if (q.tagged) return { total, rows: this.rows(this.taggedPage(q, q.tagged, total, offset, limit), me) };
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

  /**
   * A page of the marks path in library order (sample, run, rollout): the marks index walked in (sample, run) order,
   * each mark's response looked up for its rollout, which orders the rows of one question and run among themselves —
   * SQLite sorts only within such a group and stops after offset + limit rows.
   */
  private marksPage(m: MarksPath, order: SortOrder, offset: number, limit: number): PlannedQuery {
    const dir = order === 'desc' ? ' DESC' : '';
    return {
      sql:
        `SELECT m.response_id FROM ${m.table} m INDEXED BY ${m.index} CROSS JOIN responses x ON x.id = m.response_id ` +
        `WHERE ${m.where} ORDER BY m.sample_id${dir}, m.run_id${dir}, x.rollout${dir} LIMIT ? OFFSET ?`,
      params: [...m.params, limit, offset],
      access: 'marks',
    };
  }

  /**
   * A page sorted by tag count, in two parts: the tagged responses, read in order from everyone's review marks (their
   * `tags` is the live tag count, kept by migration 0004's triggers; review_marks_tags of migration 0008), and the
   * untagged ones in library order, which is their order too (their counts tie at 0). Descending, the tagged come
   * first; ascending, last. Each part is paged like a list of its own: the split is the tagged part's count. Sorting
   * every response by a count of its tags instead took ~300 ms at 1M responses.
   */
  private taggedPage(q: ListQuery, t: NonNullable<ListQuery['tagged']>, total: number, offset: number, limit: number): number[] {
    const dir = q.order === 'desc' ? ' DESC' : '';
    const where = `m.akey = 0 AND m.tags > 0${t.where ? ` AND ${t.where}` : ''}`;
    const tagged = this.cache.get(`SELECT COUNT(*) FROM review_marks m INDEXED BY review_marks_tags WHERE ${where}`).pluck().get(...t.params) as number;
    const taggedIds = (off: number, lim: number) =>
      this.cache
        .get(
          `SELECT m.response_id FROM review_marks m INDEXED BY review_marks_tags CROSS JOIN responses x ON x.id = m.response_id ` +
            `WHERE ${where} ORDER BY m.tags${dir}, m.sample_id${dir}, m.run_id${dir}, x.rollout${dir} LIMIT ? OFFSET ?`,
        )
        .pluck()
        .all(...t.params, lim, off) as number[];
    const untaggedIds = (off: number, lim: number) => {
      // The list by sample with one more condition: planned like any other list (walking the list index, or not).
      const u: ListQuery = {
        ...q,
        conditions: [...q.conditions, 'NOT EXISTS (SELECT 1 FROM review_marks t WHERE t.akey = 0 AND t.response_id = x.id AND t.tags > 0)'],
        keys: SORTS.sample.keys,
        orderIndex: SORTS.sample.index!,
        indexOrder: true,
        idSets: [],
        marks: null,
        tagged: null,
      };
      const page = this.plan(u, off, lim).page(total - tagged);
      return this.cache.get(page.sql).pluck().all(...page.params) as number[];
    };
    const parts: [(off: number, lim: number) => number[], number][] =
      q.order === 'desc' ? [[taggedIds, tagged], [untaggedIds, total - tagged]] : [[untaggedIds, total - tagged], [taggedIds, tagged]];
    const ids: number[] = [];
    let skip = offset;
    for (const [read, size] of parts) {
      if (ids.length >= limit) break;
      if (skip >= size) {
        skip -= size;
        continue;
      }
      ids.push(...read(skip, Math.min(limit - ids.length, size - skip)));
      skip = 0;
    }
    return ids;
  }

  /** The count, or the number itself when the full-text index already knows it. */
  private countQuery(q: ListQuery, n: number, hits: number): PlannedQuery | number {
    if (q.marks !== null) {
      const m = q.marks;
      return { sql: `SELECT COUNT(*) FROM ${m.table} m INDEXED BY ${m.index} WHERE ${m.where}`, params: m.params, access: 'marks' };
    }
    if (q.match !== null && q.conditions.length === 0) return hits; // one FTS row per response
    if (q.match === null && q.idSets.length > 0 && q.idSets.length === q.conditions.length) return this.countIdSets(q.idSets);
    // SQLite counts from the narrowest index that answers the conditions. The trap is a full-text search that hits
    // most chains, with other conditions: driven by its hits, each is a table lookup; the list index is cheaper.
    const access: Access = q.match !== null && hits * SELECTIVE_COST > n ? 'covering' : 'selective';
    const where = this.where(q, 'collect');
    // Without a WHERE, SQLite counts a b-tree from its pages' cell counts (at 1M responses 0.02 ms, against 7 ms with one).
    if (where.sql === '1') return { sql: 'SELECT COUNT(*) FROM responses', params: [], access };
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

  private from(q: Pick<ListQuery, 'join' | 'orderIndex'>, access: Access): string {
    return `FROM responses x${access === 'covering' ? ` INDEXED BY ${q.orderIndex ?? 'responses_list'}` : ''}${JOINS[q.join]}`;
  }

  private orderBy(q: ListQuery, access: Access): string {
    const dir = q.order === 'desc' ? ' DESC' : '';
    // Gathering, `+` keeps SQLite from walking an index for the order instead of starting from the filter's index.
    const plus = access === 'selective' && q.orderIndex !== null ? '+' : '';
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
