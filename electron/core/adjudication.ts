// Adjudication: where annotators disagree on a response, the adjudicator (the current annotator) decides each of the
// raters' tags — keep, keep edited, or drop — and picks the verdict. The raters' tags and verdicts are never touched
// (annotations.ts lets nobody change another's tags, and agreement needs them as made). A decision is an appended
// `adjudications` row (the newest per tag and adjudicator holds, so changing one's mind keeps the trail); keep and
// edit also give the adjudicator a tag of origin 'adjudication' on the response — the adjudicated set — which a later
// drop tombstones and a later keep revives. The adjudicator's verdict lives in adjudicated_verdicts, beside the
// raters' own (the adjudicator may be one of them).
//
// Raters of a response: the annotators who reviewed it (a live tag not made by adjudicating, or a verdict with a
// judgment or review status done), among `only` when the caller narrows them to a pair.
import crypto from 'node:crypto';
import type {
  AdjudicationCase,
  AdjudicationDecision,
  Disagreement,
  DisagreementPage,
  ParsedInput,
  Supports,
  Tag,
  Verdict,
} from '../../shared/api.ts';
import { invalid, sameTag, tagFields, tagFromRow, verdictFromRow } from './annotations.ts';
import type { CurrentAnnotator } from './annotator.ts';
import { CotscopeError } from './errors.ts';
import { nowIso, type Db } from './store.ts';
import { writeTransaction } from './util.ts';

interface Fact {
  tag_id: number | null;
  response_id: number;
  annotator_id: number;
  label: string | null;
  supports: string | null;
}

type FactRow = [tag_id: number | null, response_id: number, annotator_id: number, label: string | null, supports: string | null];

interface TagRow {
  id: number;
  uuid: string;
  response_id: number;
  label_id: number;
  annotator_id: number;
  step_start: number | null;
  step_end: number | null;
  char_start: number | null;
  char_end: number | null;
  time_start: number | null;
  time_end: number | null;
  note: string | null;
  severity: string | null;
  origin: string;
  deleted_at: string | null;
}

interface DecisionRow {
  id: number;
  uuid: string;
  tag_id: number;
  decision: AdjudicationDecision['decision'];
  result_tag_id: number | null;
  note: string | null;
  created_at: string;
}

// A rater's tag or reviewed verdict, one row each: what decides who rated a response and whether they agree.
const FACTS = `
  SELECT t.id AS tag_id, t.response_id, t.annotator_id, l.key AS label, NULL AS supports
    FROM tags t JOIN labels l ON l.id = t.label_id
   WHERE t.deleted_at IS NULL AND t.origin <> 'adjudication' %TAGS%
  UNION ALL
  SELECT NULL, v.response_id, v.annotator_id, NULL, v.supports
    FROM verdicts v
   WHERE v.deleted_at IS NULL AND (v.supports IS NOT NULL OR v.review_status = 'done') %VERDICTS%`;

export class Adjudication {
  private prepared: ReturnType<Adjudication['prepare']> | null = null;
  private readonly tx;

  constructor(
    private readonly db: Db,
    private readonly annotator: CurrentAnnotator,
  ) {
    this.tx = {
      tag: writeTransaction(db, (input: ParsedInput<'adjudicateTag'>) => this.decideTagTx(input)),
      verdict: writeTransaction(db, (input: ParsedInput<'adjudicateVerdict'>) => this.decideVerdictTx(input)),
    };
  }

  // Prepared on first use, not with the service: migration tests make services on older schemas, before the
  // adjudicated_verdicts table exists.
  private get s() {
    return (this.prepared ??= this.prepare());
  }

  private prepare() {
    const db = this.db;
    return {
      allFacts: db.prepare(`${FACTS.replace('%TAGS%', '').replace('%VERDICTS%', '')} ORDER BY 2`).raw(),
      responseFacts: db.prepare(FACTS.replace('%TAGS%', 'AND t.response_id = @r').replace('%VERDICTS%', 'AND v.response_id = @r')),
      annotatorIds: db.prepare('SELECT id, name FROM annotators'),
      meta: db.prepare(
        `SELECT x.id, r.name AS run, s.level, s.sample_id, x.rollout FROM responses x
           JOIN runs r ON r.id = x.run_id JOIN samples s ON s.id = x.sample_id
          WHERE x.id IN (SELECT value FROM json_each(?))`,
      ),
      // The newest decision per tag by one adjudicator. Newest by created_at, then id: a merged pack inserts decisions
      // in its own order, and two decisions can share a millisecond.
      latestDecisions: db.prepare(
        `SELECT a.* FROM adjudications a
          WHERE a.adjudicator_id = ? AND a.id = (SELECT b.id FROM adjudications b WHERE b.tag_id = a.tag_id AND b.adjudicator_id = a.adjudicator_id
                                                  ORDER BY b.created_at DESC, b.id DESC LIMIT 1)`,
      ),
      latestDecision: db.prepare('SELECT * FROM adjudications WHERE tag_id = ? AND adjudicator_id = ? ORDER BY created_at DESC, id DESC LIMIT 1'),
      lastResult: db.prepare(
        `SELECT result_tag_id FROM adjudications WHERE tag_id = ? AND adjudicator_id = ? AND result_tag_id IS NOT NULL
          ORDER BY created_at DESC, id DESC LIMIT 1`,
      ).pluck(),
      response: db.prepare('SELECT id, raw, step_count FROM responses WHERE id = ?'),
      tagByUuid: db.prepare('SELECT * FROM tags WHERE uuid = ?'),
      tagById: db.prepare('SELECT * FROM tags WHERE id = ?'),
      tagOut: db.prepare(
        `SELECT t.*, l.key AS label, a.name AS annotator FROM tags t
           JOIN labels l ON l.id = t.label_id JOIN annotators a ON a.id = t.annotator_id WHERE t.id = ?`,
      ),
      raterTags: db.prepare(
        `SELECT t.*, l.key AS label, a.name AS annotator FROM tags t
           JOIN labels l ON l.id = t.label_id JOIN annotators a ON a.id = t.annotator_id
          WHERE t.response_id = ? AND t.deleted_at IS NULL AND t.origin <> 'adjudication' ORDER BY a.name, t.id`,
      ),
      raterVerdicts: db.prepare(
        `SELECT v.*, a.name AS annotator FROM verdicts v JOIN annotators a ON a.id = v.annotator_id
          WHERE v.response_id = ? AND v.deleted_at IS NULL ORDER BY a.name`,
      ),
      label: db.prepare('SELECT id, retired_at FROM labels WHERE key = ?'),
      insertTag: db.prepare(
        `INSERT INTO tags (uuid, response_id, label_id, annotator_id, step_start, step_end, char_start, char_end, time_start,
                           time_end, note, severity, origin, created_at, updated_at)
         VALUES (@uuid, @response_id, @label_id, @annotator_id, @step_start, @step_end, @char_start, @char_end,
                 @time_start, @time_end, @note, @severity, 'adjudication', @now, @now)`,
      ),
      writeTag: db.prepare(
        `UPDATE tags SET label_id = @label_id, step_start = @step_start, step_end = @step_end, char_start = @char_start,
                         char_end = @char_end, time_start = @time_start, time_end = @time_end, note = @note,
                         severity = @severity, deleted_at = @deleted_at, updated_at = @now
          WHERE id = @id`,
      ),
      insertDecision: db.prepare(
        `INSERT INTO adjudications (uuid, tag_id, adjudicator_id, decision, result_tag_id, note, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      myVerdict: db.prepare('SELECT * FROM adjudicated_verdicts WHERE response_id = ? AND adjudicator_id = ?'),
      myVerdicts: db.prepare('SELECT response_id, supports FROM adjudicated_verdicts WHERE adjudicator_id = ? AND deleted_at IS NULL'),
      insertVerdict: db.prepare(
        `INSERT INTO adjudicated_verdicts (uuid, response_id, adjudicator_id, supports, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      writeVerdict: db.prepare('UPDATE adjudicated_verdicts SET supports = ?, deleted_at = NULL, updated_at = ? WHERE id = ?'),
    };
  }

  // ---------- the list ----------

  list(input: ParsedInput<'listDisagreements'>): DisagreementPage {
    const only = this.onlyIds(input.annotators);
    const me = this.annotator.id();
    const decided = new Set<number>();
    if (me !== null) for (const d of this.s.latestDecisions.all(me) as DecisionRow[]) decided.add(d.tag_id);
    const picked = new Map<number, string | null>();
    if (me !== null) for (const v of this.s.myVerdicts.all(me) as { response_id: number; supports: string | null }[]) picked.set(v.response_id, v.supports);

    // The facts come ordered by response: one response is judged at a time and only disagreements are kept (holding
    // every fact of a large workspace at once costs more in garbage collection than the scan itself).
    const found = new Map<number, Omit<Disagreement, 'run' | 'level' | 'sampleId' | 'rollout'>>();
    let facts: Fact[] = [];
    const flush = () => {
      if (facts.length < 2) {
        facts = [];
        return;
      }
      const d = disagreementOf(facts);
      if (d) {
        const responseId = facts[0].response_id;
        let toDecide = 0;
        let n = 0;
        for (const f of facts) {
          if (f.tag_id === null) continue;
          toDecide++;
          if (decided.has(f.tag_id)) n++;
        }
        const resolved = n === toDecide && (!d.verdicts || (picked.get(responseId) ?? null) !== null);
        found.set(responseId, { responseId, raters: d.raters.map((id) => this.nameOf(id)).sort(), labels: d.labels, verdicts: d.verdicts, decided: n, toDecide, resolved });
      }
      facts = [];
    };
    for (const [tag_id, response_id, annotator_id, label, supports] of this.s.allFacts.iterate() as IterableIterator<FactRow>) {
      if (only && !only.has(annotator_id)) continue;
      if (facts.length && facts[0].response_id !== response_id) flush();
      facts.push({ tag_id, response_id, annotator_id, label, supports });
    }
    flush();

    // In the order the responses were imported (run by run, file order); run, level and sample only for the page.
    let resolvedCount = 0;
    const chosen: Omit<Disagreement, 'run' | 'level' | 'sampleId' | 'rollout'>[] = [];
    for (const f of found.values()) {
      if (f.resolved) resolvedCount++;
      if (input.state === 'all' || f.resolved === (input.state === 'resolved')) chosen.push(f);
    }
    const page = chosen.slice(input.offset, input.offset + input.limit);
    const meta = new Map<number, { run: string; level: Disagreement['level']; sample_id: string; rollout: number }>();
    for (const m of this.s.meta.all(JSON.stringify(page.map((f) => f.responseId))) as any[]) meta.set(m.id, m);
    const rows = page.map((f): Disagreement => {
      const m = meta.get(f.responseId)!;
      return { ...f, run: m.run, level: m.level, sampleId: m.sample_id, rollout: m.rollout };
    });
    return { total: chosen.length, resolved: resolvedCount, offset: input.offset, rows };
  }

  // ---------- one response ----------

  get(responseId: number, annotators?: readonly string[]): AdjudicationCase {
    if (!this.s.response.get(responseId)) throw new CotscopeError(`no response ${responseId}`, 'not_found');
    const only = this.onlyIds(annotators);
    const facts = (this.s.responseFacts.all({ r: responseId }) as Fact[]).filter((f) => !only || only.has(f.annotator_id));
    const raterIds = new Set(facts.map((f) => f.annotator_id));
    const me = this.annotator.id();
    const tags = (this.s.raterTags.all(responseId) as (TagRow & { label: string; annotator: string; created_at: string; updated_at: string })[])
      .filter((t) => raterIds.has(t.annotator_id))
      .map((t) => ({ tag: tagFromRow(t as any), decision: me === null ? null : this.decisionOf(t.id, me) }));
    const verdicts: Verdict[] = (this.s.raterVerdicts.all(responseId) as any[]).filter((v) => raterIds.has(v.annotator_id)).map(verdictFromRow);
    const judged = new Set(verdicts.map((v) => v.supports).filter((s) => s !== null));
    const mine = me === null ? undefined : (this.s.myVerdict.get(responseId, me) as { supports: Supports | null; updated_at: string; deleted_at: string | null } | undefined);
    const verdict = mine && mine.deleted_at === null ? { supports: mine.supports, updatedAt: mine.updated_at } : null;
    const verdictsDiffer = judged.size > 1;
    return {
      responseId,
      adjudicator: this.annotator.name(),
      raters: [...raterIds].map((id) => this.nameOf(id)).sort(),
      tags,
      verdicts,
      verdictsDiffer,
      verdict,
      resolved: tags.every((t) => t.decision !== null) && (!verdictsDiffer || (verdict?.supports ?? null) !== null),
    };
  }

  decideTag(input: ParsedInput<'adjudicateTag'>): AdjudicationCase {
    return this.tx.tag(input);
  }

  decideVerdict(input: ParsedInput<'adjudicateVerdict'>): AdjudicationCase {
    return this.tx.verdict(input);
  }

  private decideTagTx(input: ParsedInput<'adjudicateTag'>): AdjudicationCase {
    const original = this.s.tagByUuid.get(input.tag) as TagRow | undefined;
    if (!original || original.deleted_at !== null) {
      throw new CotscopeError(`no tag ${input.tag}${original ? ' (it was deleted by its annotator)' : ''}`, 'not_found');
    }
    if (original.origin === 'adjudication') {
      throw invalid('tag', 'this tag is itself an adjudication decision; decide on the raters’ tags');
    }
    const me = this.annotator.ensureId();
    const prev = this.s.latestDecision.get(original.id, me) as DecisionRow | undefined;
    const next = { ...original };
    if (input.decision === 'edit') {
      const e = input.edit ?? {};
      if (e.label !== undefined) next.label_id = this.usableLabel(e.label, original.label_id);
      if (e.steps !== undefined) [next.step_start, next.step_end] = e.steps ?? [null, null];
      if (e.span !== undefined) [next.char_start, next.char_end] = e.span ?? [null, null];
      if (e.time !== undefined) [next.time_start, next.time_end] = e.time ?? [null, null];
      if (e.note !== undefined) next.note = e.note;
      if (e.severity !== undefined) next.severity = e.severity;
      this.checkAnchors(original.response_id, next);
    }
    const now = nowIso();
    const resultId = this.s.lastResult.get(original.id, me) as number | undefined;
    const result = resultId === undefined ? undefined : (this.s.tagById.get(resultId) as TagRow);
    if (prev && prev.decision === input.decision && (input.note === undefined || input.note === prev.note)) {
      // Same decision again: nothing to record unless an edit changes the adjudicated tag.
      const unchanged = input.decision !== 'edit' || (result && result.deleted_at === null && sameTag(result, next));
      if (unchanged) return this.get(original.response_id, input.annotators);
    }
    let resultTagId: number | null = null;
    if (input.decision === 'drop') {
      if (result && result.deleted_at === null) this.s.writeTag.run({ ...tagFields(result), id: result.id, deleted_at: now, now });
    } else if (result) {
      this.s.writeTag.run({ ...tagFields(next), id: result.id, deleted_at: null, now });
      resultTagId = result.id;
    } else {
      const info = this.s.insertTag.run({ ...tagFields(next), uuid: crypto.randomUUID(), response_id: original.response_id, annotator_id: me, now });
      resultTagId = Number(info.lastInsertRowid);
    }
    const note = input.note !== undefined ? input.note : (prev?.note ?? null);
    this.s.insertDecision.run(crypto.randomUUID(), original.id, me, input.decision, resultTagId, note, now);
    return this.get(original.response_id, input.annotators);
  }

  private decideVerdictTx(input: ParsedInput<'adjudicateVerdict'>): AdjudicationCase {
    if (!this.s.response.get(input.responseId)) throw new CotscopeError(`no response ${input.responseId}`, 'not_found');
    const me = this.annotator.ensureId();
    const now = nowIso();
    const existing = this.s.myVerdict.get(input.responseId, me) as { id: number; supports: string | null; deleted_at: string | null } | undefined;
    if (!existing) this.s.insertVerdict.run(crypto.randomUUID(), input.responseId, me, input.supports, now, now);
    else if (existing.supports !== input.supports || existing.deleted_at !== null) this.s.writeVerdict.run(input.supports, now, existing.id);
    return this.get(input.responseId, input.annotators);
  }

  // ---------- helpers ----------

  private decisionOf(tagId: number, me: number): AdjudicationDecision | null {
    const d = this.s.latestDecision.get(tagId, me) as DecisionRow | undefined;
    if (!d) return null;
    return {
      uuid: d.uuid,
      decision: d.decision,
      result: d.result_tag_id === null ? null : this.tagOut(d.result_tag_id),
      note: d.note,
      createdAt: d.created_at,
    };
  }

  private tagOut(id: number): Tag {
    return tagFromRow(this.s.tagOut.get(id) as any);
  }

  private names: Map<number, string> | null = null;

  private nameOf(id: number): string {
    let name = this.names?.get(id);
    if (name === undefined) {
      this.names = new Map((this.s.annotatorIds.all() as { id: number; name: string }[]).map((a) => [a.id, a.name]));
      name = this.names.get(id) ?? `#${id}`;
    }
    return name;
  }

  private onlyIds(names?: readonly string[]): Set<number> | null {
    if (!names || names.length === 0) return null;
    const all = this.s.annotatorIds.all() as { id: number; name: string }[];
    return new Set(all.filter((a) => names.includes(a.name)).map((a) => a.id));
  }

  private usableLabel(key: string, current: number): number {
    const l = this.s.label.get(key) as { id: number; retired_at: string | null } | undefined;
    if (!l) throw invalid('edit.label', `no label "${key}" in this workspace's taxonomy`);
    if (l.retired_at !== null && l.id !== current) throw invalid('edit.label', `label "${key}" is retired`);
    return l.id;
  }

  private checkAnchors(responseId: number, t: TagRow): void {
    const r = this.s.response.get(responseId) as { raw: string; step_count: number };
    if (t.step_end !== null && t.step_end >= r.step_count) {
      throw invalid('edit.steps', `step ${t.step_end} does not exist: this response has ${r.step_count} step(s)`);
    }
    if (t.char_end !== null && t.char_end > r.raw.length) {
      throw invalid('edit.span', `characters ${t.char_start}–${t.char_end} run past the end of the response (${r.raw.length} characters)`);
    }
  }
}

/** The raters (≥ 2) of one response and what they disagree on, or null when they agree (or only one rated it). */
function disagreementOf(facts: readonly Fact[]): { raters: number[]; labels: string[]; verdicts: boolean } | null {
  const labels = new Map<number, Set<string>>();
  const supports = new Set<string>();
  for (const f of facts) {
    if (!labels.has(f.annotator_id)) labels.set(f.annotator_id, new Set());
    if (f.label !== null) labels.get(f.annotator_id)!.add(f.label);
    if (f.supports !== null) supports.add(f.supports);
  }
  if (labels.size < 2) return null;
  const sets = [...labels.values()];
  const every = new Set(sets.flatMap((s) => [...s]));
  const disputed = [...every].filter((l) => sets.some((s) => !s.has(l))).sort();
  const verdicts = supports.size > 1;
  if (disputed.length === 0 && !verdicts) return null;
  return { raters: [...labels.keys()], labels: disputed, verdicts };
}

