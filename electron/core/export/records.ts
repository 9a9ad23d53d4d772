// What every export format is made from: the responses of a filter, in the library's order (sample, run, rollout),
// each with its question, scoring, steps, live tags, verdicts and adjudicated verdicts. Ids stream from ResponseList.ids and rows are read
// in batches, so memory stays bounded at any workspace size.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { ResponseFilter, Severity, Supports, ReviewStatus } from '../../../shared/api.ts';
import { tagFromRow, tagSelect, verdictFromRow } from '../annotations.ts';
import { CotscopeError } from '../errors.ts';
import { ResponseList } from '../response-list.ts';
import { decodeSteps } from '../steps-column.ts';
import type { Db } from '../store.ts';

export interface ExportedTag {
  uuid: string;
  label: string;
  annotator: string;
  steps: [number, number] | null;
  span: [number, number] | null;
  time: [number, number] | null;
  note: string | null;
  severity: Severity | null;
  origin: string;
  created_at: string;
  updated_at: string;
  /** A check's suggestion (origin `suggestion`): which check and version, how sure, why, and what a person decided. */
  suggestion?: { check: string; version: number; confidence: number; evidence: string; decision: 'accepted' | 'rejected' | null };
}

export interface ExportedVerdict {
  uuid: string;
  annotator: string;
  supports: Supports | null;
  review_status: ReviewStatus;
  note: string | null;
  updated_at: string;
}

/** An adjudicator's verdict on the response (adjudication settles the raters'; theirs stay in `verdicts`). */
export interface ExportedAdjudicatedVerdict {
  uuid: string;
  adjudicator: string;
  supports: Supports | null;
  note: string | null;
  updated_at: string;
}

export interface ExportedStep {
  index: number;
  start: number;
  end: number;
  text: string;
}

/** One response as the JSONL export writes it (the foundation's fields, in the file format's snake_case). */
export interface ExportedResponse {
  sample_id: string;
  level: string;
  run: string;
  method: string;
  rollout: number;
  prediction: string | null;
  golden: string | null;
  correct: boolean;
  format_ok: boolean;
  file_reward: number | null;
  file_correct: boolean | null;
  score_disagreement: boolean;
  task_goal: string | null;
  question: string | null;
  options: { A: string | null; B: string | null; C: string | null; D: string | null };
  response: string;
  think: string | null;
  answer_raw: string | null;
  steps: ExportedStep[];
  tags: ExportedTag[];
  verdicts: ExportedVerdict[];
  adjudicated_verdicts: ExportedAdjudicatedVerdict[];
}

/** A response with what the writers need besides its record: which question it answers (samples.id) and L3's domain. */
export interface Walked {
  id: number;
  sampleKey: number;
  domain: string | null;
  record: ExportedResponse;
}

interface Row {
  id: number;
  sample_key: number;
  sample_id: string;
  level: string;
  domain: string | null;
  run: string;
  method: string;
  rollout: number;
  prediction: string | null;
  golden: string | null;
  correct: number;
  format_ok: number;
  file_reward: number | null;
  file_correct: number | null;
  score_disagreement: number;
  task_goal: string | null;
  question: string | null;
  choice_a: string | null;
  choice_b: string | null;
  choice_c: string | null;
  choice_d: string | null;
  raw: string;
  think_start: number | null;
  think_end: number | null;
  answer_text: string | null;
  steps: string;
}

/** Responses read per statement: big enough that the per-statement cost vanishes, small enough to hold. */
export const BATCH = 500;

/**
 * Reads a batch of responses by id, with their live tags, verdicts and adjudicated verdicts (optionally only those of
 * some annotators: for adjudicated verdicts, of those adjudicators).
 */
export class ResponseReader {
  private readonly rows;
  private readonly tags;
  private readonly verdicts;
  private readonly adjudicated;
  private readonly by: Set<string> | null;

  constructor(db: Db, by?: readonly string[], origin: TagOrigin = 'human') {
    this.by = by?.length ? new Set(by) : null;
    const which = origin === 'all' ? '' : origin === 'suggestion' ? "AND t.origin = 'suggestion'" : "AND t.origin <> 'suggestion'";
    this.rows = db.prepare(
      `SELECT x.id, s.id AS sample_key, s.sample_id, s.level, s.domain, r.name AS run, r.method, x.rollout, x.prediction,
              s.golden, x.correct, x.format_ok, x.file_reward, x.file_correct, x.score_disagreement, s.task_goal,
              s.question, s.choice_a, s.choice_b, s.choice_c, s.choice_d, x.raw, x.think_start, x.think_end,
              x.answer_text, x.steps
         FROM responses x JOIN runs r ON r.id = x.run_id JOIN samples s ON s.id = x.sample_id
        WHERE x.id IN (SELECT value FROM json_each(?))`,
    );
    this.tags = db.prepare(`${tagSelect(db)} WHERE t.response_id IN (SELECT value FROM json_each(?)) AND t.deleted_at IS NULL ${which} ORDER BY t.id`);
    this.verdicts = db.prepare(
      `SELECT v.*, a.name AS annotator FROM verdicts v JOIN annotators a ON a.id = v.annotator_id
        WHERE v.response_id IN (SELECT value FROM json_each(?)) AND v.deleted_at IS NULL ORDER BY v.id`,
    );
    this.adjudicated = db.prepare(
      `SELECT v.uuid, v.response_id, v.supports, v.note, v.updated_at, a.name AS adjudicator
         FROM adjudicated_verdicts v JOIN annotators a ON a.id = v.adjudicator_id
        WHERE v.response_id IN (SELECT value FROM json_each(?)) AND v.deleted_at IS NULL ORDER BY v.id`,
    );
  }

  /** The responses of `ids`, in the order of `ids`. */
  read(ids: readonly number[]): Walked[] {
    if (ids.length === 0) return [];
    const json = JSON.stringify(ids);
    const tagsOf = new Map<number, ExportedTag[]>();
    for (const r of this.tags.all(json) as Parameters<typeof tagFromRow>[0][]) {
      const t = tagFromRow(r);
      if (this.by && !this.by.has(t.annotator)) continue;
      push(tagsOf, t.responseId, {
        uuid: t.uuid,
        label: t.label,
        annotator: t.annotator,
        steps: t.steps,
        span: t.span,
        time: t.time,
        note: t.note,
        severity: t.severity,
        origin: t.origin,
        created_at: t.createdAt,
        updated_at: t.updatedAt,
        ...(t.suggestion
          ? { suggestion: { check: t.suggestion.check, version: t.suggestion.version, confidence: t.suggestion.confidence, evidence: t.suggestion.evidence, decision: t.suggestion.decision } }
          : {}),
      });
    }
    const verdictsOf = new Map<number, ExportedVerdict[]>();
    for (const r of this.verdicts.all(json) as Parameters<typeof verdictFromRow>[0][]) {
      const v = verdictFromRow(r);
      if (this.by && !this.by.has(v.annotator)) continue;
      push(verdictsOf, v.responseId, {
        uuid: v.uuid,
        annotator: v.annotator,
        supports: v.supports,
        review_status: v.reviewStatus,
        note: v.note,
        updated_at: v.updatedAt,
      });
    }
    const adjudicatedOf = new Map<number, ExportedAdjudicatedVerdict[]>();
    for (const r of this.adjudicated.all(json) as (ExportedAdjudicatedVerdict & { response_id: number })[]) {
      if (this.by && !this.by.has(r.adjudicator)) continue;
      push(adjudicatedOf, r.response_id, { uuid: r.uuid, adjudicator: r.adjudicator, supports: r.supports, note: r.note, updated_at: r.updated_at });
    }
    const byId = new Map<number, Walked>();
    for (const r of this.rows.all(json) as Row[]) {
      byId.set(r.id, {
        id: r.id,
        sampleKey: r.sample_key,
        domain: r.domain,
        record: {
          sample_id: r.sample_id,
          level: r.level,
          run: r.run,
          method: r.method,
          rollout: r.rollout,
          prediction: r.prediction,
          golden: r.golden,
          correct: r.correct === 1,
          format_ok: r.format_ok === 1,
          file_reward: r.file_reward,
          file_correct: r.file_correct === null ? null : r.file_correct === 1,
          score_disagreement: r.score_disagreement === 1,
          task_goal: r.task_goal,
          question: r.question,
          options: { A: r.choice_a, B: r.choice_b, C: r.choice_c, D: r.choice_d },
          response: r.raw,
          think: r.think_start === null || r.think_end === null ? null : r.raw.slice(r.think_start, r.think_end),
          answer_raw: r.answer_text,
          steps: decodeSteps(r.steps).map((s) => ({ index: s.index, start: s.start, end: s.end, text: r.raw.slice(s.start, s.end) })),
          tags: tagsOf.get(r.id) ?? [],
          verdicts: verdictsOf.get(r.id) ?? [],
          adjudicated_verdicts: adjudicatedOf.get(r.id) ?? [],
        },
      });
    }
    return ids.flatMap((id) => byId.get(id) ?? []);
  }
}

function push<T>(m: Map<number, T[]>, k: number, v: T): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** Which tags an export writes: every tag but the checks' suggestions, only those, or all. */
export type TagOrigin = 'human' | 'suggestion' | 'all';

export interface WalkOptions {
  /** The current annotator's id (the filter's `verdict` and `review` are theirs), or null. */
  me: number | null;
  /** Default `human`. */
  origin?: TagOrigin;
  signal?: AbortSignal;
  batch?: number;
}

/** How many responses a filter selects (for progress). */
export function countResponses(db: Db, filter: ResponseFilter, me: number | null): number {
  const list = new ResponseList(db);
  return list.page(list.build(filter, 'sample', 'asc', me), 0, 1, me).total;
}

/**
 * The filter's responses in batches, in the library's order. Between batches it yields to the event loop, so a
 * service on this thread still answers (progress polls, cancel) during a long export; a cancel ends the walk with a
 * `cancelled` error.
 */
export async function* walkResponses(db: Db, filter: ResponseFilter, opts: WalkOptions): AsyncGenerator<Walked[]> {
  const list = new ResponseList(db);
  const reader = new ResponseReader(db, filter.by, opts.origin);
  const size = opts.batch ?? BATCH;
  let ids: number[] = [];
  for (const id of list.ids(list.build(filter, 'sample', 'asc', opts.me))) {
    ids.push(id);
    if (ids.length < size) continue;
    yield reader.read(ids);
    ids = [];
    await yieldToLoop();
    if (opts.signal?.aborted) throw new CotscopeError('cancelled', 'cancelled');
  }
  if (ids.length) yield reader.read(ids);
}

// ---------- what several formats derive from a record ----------

/** The verdicts taken together, as the dashboards do: no if any says no, yes if all that judged say yes, unclear otherwise, null if none judged. */
export function consensus(verdicts: readonly { supports: Supports | null }[]): Supports | null {
  const judged = verdicts.filter((v) => v.supports !== null);
  if (judged.length === 0) return null;
  if (judged.some((v) => v.supports === 'no')) return 'no';
  if (judged.every((v) => v.supports === 'yes')) return 'yes';
  return 'unclear';
}

/**
 * The one verdict the formats that need one go by (CSV's `supports`, PRM, pairs, the HF card): the adjudicators' when
 * one has judged the response (adjudication settles what the raters disagreed on), else the raters' consensus.
 */
export function judgment(r: ExportedResponse): Supports | null {
  return consensus(r.adjudicated_verdicts) ?? consensus(r.verdicts);
}

/**
 * The steps a tag marks: its step range, or the steps its character span overlaps. Tags of a time range alone or of
 * the whole response mark none.
 */
export function tagSteps(rec: ExportedResponse, tag: ExportedTag): number[] {
  if (tag.steps) {
    const out: number[] = [];
    for (let i = tag.steps[0]; i <= tag.steps[1] && i < rec.steps.length; i++) out.push(i);
    return out;
  }
  if (tag.span) {
    const [a, b] = tag.span;
    // An empty span (a caret) marks the step it sits in.
    return rec.steps.filter((s) => (a === b ? s.start <= a && a < s.end : s.start < b && a < s.end)).map((s) => s.index);
  }
  return [];
}

/** The text a tag marks: its steps, or its span; null for a tag of a time range or the whole response. */
export function tagText(rec: ExportedResponse, tag: ExportedTag): string | null {
  if (tag.span) return rec.response.slice(tag.span[0], tag.span[1]);
  if (tag.steps) {
    const first = rec.steps[tag.steps[0]];
    const last = rec.steps[Math.min(tag.steps[1], rec.steps.length - 1)];
    if (!first || !last) return null;
    return rec.response.slice(first.start, last.end);
  }
  return null;
}

/** The question as a prompt a model would have been given: the task goal, the question and the lettered options. */
export function promptOf(rec: ExportedResponse): string {
  const lines: string[] = [];
  if (rec.task_goal) lines.push(`Task goal: ${rec.task_goal}`);
  if (rec.question) lines.push(`Question: ${rec.question}`);
  for (const k of ['A', 'B', 'C', 'D'] as const) if (rec.options[k] !== null) lines.push(`${k}. ${rec.options[k]}`);
  return lines.join('\n');
}
