// Tags and verdicts, with undo and redo. Every change is its own transaction (autosave) and writes a `history` row in
// that transaction: the action, the entity's uuid, and the row before and after as JSON. Undo puts `before` back
// (no `before`: the row did not exist, so it is tombstoned), redo puts `after` back.
//
// history.undone: 0 = done (can be undone), 1 = undone (can be redone), 2 = dead: undone, then a new action cleared
// the redo stack, so it can never be redone. Each annotator has their own stack. The undone rows of an annotator are
// always the newest ones, so undo takes the newest row with 0 and redo the oldest with 1.
import crypto from 'node:crypto';
import type { Severity, Supports, ReviewStatus, Tag, UndoResult, Verdict, ParsedInput } from '../../shared/api.ts';
import type { CurrentAnnotator } from './annotator.ts';
import { CotscopeError } from './errors.ts';
import { nowIso, type Db } from './store.ts';
import { writeTransaction } from './util.ts';

const DONE = 0;
const UNDONE = 1;
const DEAD = 2;

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
  severity: Severity | null;
  origin: Tag['origin'];
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

interface VerdictRow {
  id: number;
  uuid: string;
  response_id: number;
  annotator_id: number;
  supports: Supports | null;
  review_status: ReviewStatus;
  note: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

interface HistoryRow {
  id: number;
  action: string;
  entity: 'tag' | 'verdict' | 'suggestion';
  entity_uuid: string;
  before: string | null;
  after: string | null;
}

type TagOut = TagRow & {
  label: string;
  annotator: string;
  g_check?: string | null;
  g_version?: number;
  g_confidence?: number;
  g_evidence?: string;
  g_decision?: 'accepted' | 'rejected' | null;
  g_decided_by?: string | null;
  g_result?: string | null;
};

/** A tag with its label key, annotator and, for a check's suggestion, what proposed it (read by tagFromRow). */
const TAG_SELECT = `SELECT t.*, l.key AS label, a.name AS annotator, g.check_name AS g_check, g.check_version AS g_version,
       g.confidence AS g_confidence, g.evidence AS g_evidence, g.decision AS g_decision, da.name AS g_decided_by, rt.uuid AS g_result
  FROM tags t JOIN labels l ON l.id = t.label_id JOIN annotators a ON a.id = t.annotator_id
  LEFT JOIN suggestions g ON g.tag_id = t.id LEFT JOIN annotators da ON da.id = g.decided_by LEFT JOIN tags rt ON rt.id = g.result_tag_id`;

/**
 * TAG_SELECT for this connection's schema. Before version 9 (a workspace an older cotscope wrote, still being read by
 * the tests that build one) there are no suggestions to join, and tags are read alone.
 */
export function tagSelect(db: Db): string {
  const v9 = db.prepare("SELECT 1 FROM pragma_table_info('suggestions') WHERE name = 'check_name'").get() !== undefined;
  return v9
    ? TAG_SELECT
    : 'SELECT t.*, l.key AS label, a.name AS annotator FROM tags t JOIN labels l ON l.id = t.label_id JOIN annotators a ON a.id = t.annotator_id';
}

/** What undo puts back of a decision on a suggestion. */
interface DecisionSnapshot {
  decision: 'accepted' | 'rejected' | null;
  decided_by: number | null;
  decided_at: string | null;
  /** The accepted suggestion's result tag, by UUID. */
  result: string | null;
}
type VerdictOut = VerdictRow & { annotator: string };

export function invalid(field: string, message: string): CotscopeError {
  return new CotscopeError(`field \`${field}\`: ${message}`, 'invalid');
}

export function tagFromRow(r: TagOut): Tag {
  return {
    uuid: r.uuid,
    responseId: r.response_id,
    label: r.label,
    annotator: r.annotator,
    steps: r.step_start === null ? null : [r.step_start, r.step_end!],
    span: r.char_start === null ? null : [r.char_start, r.char_end!],
    time: r.time_start === null ? null : [r.time_start, r.time_end!],
    note: r.note,
    severity: r.severity,
    origin: r.origin,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    ...(r.g_check
      ? {
          suggestion: {
            check: r.g_check,
            version: r.g_version!,
            confidence: r.g_confidence!,
            evidence: r.g_evidence!,
            decision: r.g_decision ?? null,
            decidedBy: r.g_decided_by ?? null,
            resultTag: r.g_decision === 'accepted' ? (r.g_result ?? null) : null,
          },
        }
      : {}),
  };
}

/**
 * A response's live (not tombstoned) tags and verdicts by every annotator, with label keys and annotator names: what
 * the workbench shows and what exports write.
 */
export class LiveAnnotations {
  private readonly tagsOf;
  private readonly verdictsOf;

  constructor(db: Db) {
    this.tagsOf = db.prepare(`${tagSelect(db)} WHERE t.response_id = ? AND t.deleted_at IS NULL ORDER BY t.id`);
    this.verdictsOf = db.prepare(
      `SELECT v.*, a.name AS annotator FROM verdicts v JOIN annotators a ON a.id = v.annotator_id
        WHERE v.response_id = ? AND v.deleted_at IS NULL ORDER BY v.id`,
    );
  }

  tags(responseId: number): Tag[] {
    return (this.tagsOf.all(responseId) as TagOut[]).map(tagFromRow);
  }

  /** Verdicts, each with the annotator's id (to find the current annotator's own). */
  verdicts(responseId: number): { verdict: Verdict; annotatorId: number }[] {
    return (this.verdictsOf.all(responseId) as VerdictOut[]).map((r) => ({ verdict: verdictFromRow(r), annotatorId: r.annotator_id }));
  }
}

export function verdictFromRow(r: VerdictOut): Verdict {
  return {
    uuid: r.uuid,
    responseId: r.response_id,
    annotator: r.annotator,
    supports: r.supports,
    reviewStatus: r.review_status,
    note: r.note,
    updatedAt: r.updated_at,
  };
}

export class Annotations {
  private readonly s;
  private readonly tx;

  constructor(
    private readonly db: Db,
    private readonly annotator: CurrentAnnotator,
  ) {
    this.s = {
      response: db.prepare('SELECT id, raw, step_count FROM responses WHERE id = ?'),
      label: db.prepare('SELECT id, key, retired_at FROM labels WHERE key = ?'),
      tagRow: db.prepare('SELECT * FROM tags WHERE uuid = ?'),
      tagOut: db.prepare(`${tagSelect(db)} WHERE t.uuid = ?`),
      // Prepared on first use: a pre-version-9 workspace (see tagSelect) has no such columns.
      suggestion: lazy(() => db.prepare('SELECT g.*, rt.uuid AS result FROM suggestions g LEFT JOIN tags rt ON rt.id = g.result_tag_id WHERE g.tag_id = ?')),
      writeDecision: lazy(() =>
        db.prepare('UPDATE suggestions SET decision = ?, decided_by = ?, decided_at = ?, result_tag_id = (SELECT id FROM tags WHERE uuid = ?) WHERE tag_id = ?'),
      ),
      annotatorName: db.prepare('SELECT name FROM annotators WHERE id = ?').pluck(),
      labelKey: db.prepare('SELECT key FROM labels WHERE id = ?').pluck(),
      insertTag: db.prepare(
        `INSERT INTO tags (uuid, response_id, label_id, annotator_id, step_start, step_end, char_start, char_end,
                           time_start, time_end, note, severity, origin, created_at, updated_at)
         VALUES (@uuid, @response_id, @label_id, @annotator_id, @step_start, @step_end, @char_start, @char_end,
                 @time_start, @time_end, @note, @severity, 'human', @now, @now)`,
      ),
      writeTag: db.prepare(
        `UPDATE tags SET label_id = @label_id, step_start = @step_start, step_end = @step_end, char_start = @char_start,
                         char_end = @char_end, time_start = @time_start, time_end = @time_end, note = @note,
                         severity = @severity, deleted_at = @deleted_at, updated_at = @now
          WHERE uuid = @uuid`,
      ),
      verdictRow: db.prepare('SELECT * FROM verdicts WHERE response_id = ? AND annotator_id = ?'),
      verdictByUuid: db.prepare('SELECT * FROM verdicts WHERE uuid = ?'),
      verdictOut: db.prepare(
        'SELECT v.*, a.name AS annotator FROM verdicts v JOIN annotators a ON a.id = v.annotator_id WHERE v.uuid = ?',
      ),
      insertVerdict: db.prepare(
        `INSERT INTO verdicts (uuid, response_id, annotator_id, supports, review_status, note, created_at, updated_at)
         VALUES (@uuid, @response_id, @annotator_id, @supports, @review_status, @note, @now, @now)`,
      ),
      writeVerdict: db.prepare(
        `UPDATE verdicts SET supports = @supports, review_status = @review_status, note = @note,
                             deleted_at = @deleted_at, updated_at = @now
          WHERE uuid = @uuid`,
      ),
      record: db.prepare(
        `INSERT INTO history (at, annotator_id, action, entity, entity_uuid, before, after)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      killRedo: db.prepare(`UPDATE history SET undone = ${DEAD} WHERE annotator_id = ? AND undone = ${UNDONE}`),
      lastDone: db.prepare(`SELECT * FROM history WHERE annotator_id = ? AND undone = ${DONE} ORDER BY id DESC LIMIT 1`),
      firstUndone: db.prepare(`SELECT * FROM history WHERE annotator_id = ? AND undone = ${UNDONE} ORDER BY id LIMIT 1`),
      mark: db.prepare('UPDATE history SET undone = ? WHERE id = ?'),
      canUndo: db.prepare(`SELECT EXISTS (SELECT 1 FROM history WHERE annotator_id = ? AND undone = ${DONE})`).pluck(),
      canRedo: db.prepare(`SELECT EXISTS (SELECT 1 FROM history WHERE annotator_id = ? AND undone = ${UNDONE})`).pluck(),
    };
    this.tx = {
      createTag: writeTransaction(db, (input: ParsedInput<'createTag'>) => this.createTagTx(input)),
      updateTag: writeTransaction(db, (input: ParsedInput<'updateTag'>) => this.updateTagTx(input)),
      deleteTag: writeTransaction(db, (uuid: string) => this.deleteTagTx(uuid)),
      decide: writeTransaction(db, (uuid: string, decision: 'accepted' | 'rejected' | 'undecided') => this.decideTx(uuid, decision)),
      setVerdict: writeTransaction(db, (input: ParsedInput<'setVerdict'>) => this.setVerdictTx(input)),
      step: writeTransaction(db, (direction: 'undo' | 'redo') => this.stepTx(direction)),
    };
  }

  createTag(input: ParsedInput<'createTag'>): Tag {
    return this.tx.createTag(input);
  }

  updateTag(input: ParsedInput<'updateTag'>): Tag {
    return this.tx.updateTag(input);
  }

  deleteTag(uuid: string): { uuid: string } {
    return this.tx.deleteTag(uuid);
  }

  setVerdict(input: ParsedInput<'setVerdict'>): Verdict {
    return this.tx.setVerdict(input);
  }

  decideSuggestion(uuid: string, decision: 'accepted' | 'rejected' | 'undecided'): { suggestion: Tag; tag: Tag | null } {
    return this.tx.decide(uuid, decision);
  }

  undo(): UndoResult {
    return this.tx.step('undo');
  }

  redo(): UndoResult {
    return this.tx.step('redo');
  }

  canUndo(): boolean {
    const me = this.annotator.id();
    return me !== null && this.s.canUndo.get(me) === 1;
  }

  canRedo(): boolean {
    const me = this.annotator.id();
    return me !== null && this.s.canRedo.get(me) === 1;
  }

  // ---------- tags ----------

  private createTagTx(input: ParsedInput<'createTag'>): Tag {
    const response = this.response(input.responseId);
    const label = this.usableLabel(input.label);
    checkAnchors(response, input.steps ?? null, input.span ?? null);
    const me = this.annotator.ensureId();
    const uuid = crypto.randomUUID();
    this.s.insertTag.run({
      uuid,
      response_id: response.id,
      label_id: label.id,
      annotator_id: me,
      step_start: input.steps?.[0] ?? null,
      step_end: input.steps?.[1] ?? null,
      char_start: input.span?.[0] ?? null,
      char_end: input.span?.[1] ?? null,
      time_start: input.time?.[0] ?? null,
      time_end: input.time?.[1] ?? null,
      note: input.note ?? null,
      severity: input.severity ?? null,
      now: nowIso(),
    });
    this.record(me, 'tag.create', 'tag', uuid, null, this.tagRow(uuid));
    return this.tagOut(uuid);
  }

  private updateTagTx(input: ParsedInput<'updateTag'>): Tag {
    const before = this.ownLiveTag(input.uuid);
    const me = before.annotator_id;
    const next: TagRow = { ...before };
    if (input.label !== undefined) {
      const current = this.s.label.get(input.label) as { id: number } | undefined;
      // Keeping a tag's own label is fine even once it is retired; moving a tag to a retired label is not.
      next.label_id = current?.id === before.label_id ? before.label_id : this.usableLabel(input.label).id;
    }
    if (input.steps !== undefined) [next.step_start, next.step_end] = input.steps ?? [null, null];
    if (input.span !== undefined) [next.char_start, next.char_end] = input.span ?? [null, null];
    if (input.time !== undefined) [next.time_start, next.time_end] = input.time ?? [null, null];
    if (input.note !== undefined) next.note = input.note;
    if (input.severity !== undefined) next.severity = input.severity;
    checkAnchors(
      this.response(before.response_id),
      input.steps ? input.steps : null,
      input.span ? input.span : null,
    );
    if (sameTag(before, next)) return this.tagOut(input.uuid); // nothing changed: nothing to undo either
    this.s.writeTag.run({ ...tagFields(next), uuid: input.uuid, deleted_at: null, now: nowIso() });
    this.record(me, 'tag.update', 'tag', input.uuid, before, this.tagRow(input.uuid));
    return this.tagOut(input.uuid);
  }

  private deleteTagTx(uuid: string): { uuid: string } {
    const before = this.tagRow(uuid);
    if (!before) throw new CotscopeError(`no tag ${uuid}`, 'not_found');
    if (before.deleted_at !== null) return { uuid }; // already gone: deleting twice is not an error
    this.checkOwner(before);
    const now = nowIso();
    this.s.writeTag.run({ ...tagFields(before), uuid, deleted_at: now, now });
    this.record(before.annotator_id, 'tag.delete', 'tag', uuid, before, this.tagRow(uuid));
    return { uuid };
  }

  // ---------- suggestions ----------

  /**
   * Accepting makes the suggestion the current annotator's own tag (same label and anchors, the evidence as its note),
   * linked from the suggestion; rejecting, or taking the decision back, tombstones that tag again. One history row holds
   * the decision before and after, so undo and redo restore both the decision and the tag.
   */
  private decideTx(uuid: string, decision: 'accepted' | 'rejected' | 'undecided'): { suggestion: Tag; tag: Tag | null } {
    const row = this.tagRow(uuid);
    if (!row || row.deleted_at !== null || row.origin !== 'suggestion') throw new CotscopeError(`no suggestion ${uuid}`, 'not_found');
    const me = this.annotator.ensureId();
    const before = this.decisionOf(row.id);
    const wanted = decision === 'undecided' ? null : decision;
    if (before.decision === wanted && (wanted !== 'accepted' || this.liveTag(before.result))) {
      return { suggestion: this.tagOut(uuid), tag: before.result ? this.tagOut(before.result) : null };
    }
    const now = nowIso();
    let result: string | null = null;
    if (wanted === 'accepted') {
      const label = this.s.label.get(this.labelKey(row.label_id)) as { id: number; retired_at: string | null } | undefined;
      if (!label || label.retired_at !== null) throw invalid('label', 'the suggestion\'s label is retired: it cannot become a new tag');
      result = crypto.randomUUID();
      const g = this.s.suggestion().get(row.id) as { evidence: string };
      this.s.insertTag.run({
        ...tagFields(row),
        uuid: result,
        response_id: row.response_id,
        annotator_id: me,
        note: g.evidence,
        severity: null,
        now,
      });
    }
    if (before.result && before.result !== result && this.liveTag(before.result)) this.tombstone(before.result, now);
    const after: DecisionSnapshot = { decision: wanted, decided_by: wanted ? me : null, decided_at: wanted ? now : null, result };
    this.writeDecision(row.id, after);
    this.record(me, `suggestion.${decision}`, 'suggestion', uuid, before, after);
    return { suggestion: this.tagOut(uuid), tag: result ? this.tagOut(result) : null };
  }

  private decisionOf(tagId: number): DecisionSnapshot {
    const g = this.s.suggestion().get(tagId) as { decision: DecisionSnapshot['decision']; decided_by: number | null; decided_at: string | null; result: string | null };
    return { decision: g.decision, decided_by: g.decided_by, decided_at: g.decided_at, result: g.result };
  }

  private writeDecision(tagId: number, d: DecisionSnapshot): void {
    this.s.writeDecision().run(d.decision, d.decided_by, d.decided_at, d.result, tagId);
  }

  private liveTag(uuid: string | null): boolean {
    const t = uuid ? this.tagRow(uuid) : undefined;
    return t !== undefined && t.deleted_at === null;
  }

  private tombstone(uuid: string, now: string): void {
    const t = this.tagRow(uuid)!;
    this.s.writeTag.run({ ...tagFields(t), uuid, deleted_at: now, now });
  }

  private labelKey(labelId: number): string {
    return this.s.labelKey.get(labelId) as string;
  }

  // ---------- verdicts ----------

  private setVerdictTx(input: ParsedInput<'setVerdict'>): Verdict {
    const response = this.response(input.responseId);
    const me = this.annotator.ensureId();
    const existing = this.s.verdictRow.get(response.id, me) as VerdictRow | undefined;
    // A tombstoned verdict (an undone first verdict) counts as none: unspecified fields start from the defaults.
    const live = existing && existing.deleted_at === null ? existing : null;
    const next = {
      supports: input.supports !== undefined ? input.supports : (live?.supports ?? null),
      review_status: input.reviewStatus ?? live?.review_status ?? 'todo',
      note: input.note !== undefined ? input.note : (live?.note ?? null),
    };
    const now = nowIso();
    let uuid: string;
    if (existing) {
      uuid = existing.uuid;
      if (live && live.supports === next.supports && live.review_status === next.review_status && live.note === next.note) {
        return this.verdictOut(uuid);
      }
      this.s.writeVerdict.run({ ...next, uuid, deleted_at: null, now });
    } else {
      uuid = crypto.randomUUID();
      this.s.insertVerdict.run({ ...next, uuid, response_id: response.id, annotator_id: me, now });
    }
    this.record(me, 'verdict.set', 'verdict', uuid, live, this.s.verdictByUuid.get(uuid) as VerdictRow);
    return this.verdictOut(uuid);
  }

  // ---------- undo / redo ----------

  private stepTx(direction: 'undo' | 'redo'): UndoResult {
    const me = this.annotator.id();
    let touched: { responseId: number; action: string } | null = null;
    if (me !== null) {
      for (;;) {
        const h = (direction === 'undo' ? this.s.lastDone.get(me) : this.s.firstUndone.get(me)) as HistoryRow | undefined;
        if (!h) break;
        const snapshot = direction === 'undo' ? h.before : h.after;
        const responseId = this.restore(h.entity, h.entity_uuid, snapshot === null ? null : JSON.parse(snapshot));
        if (responseId === null) {
          // The row is gone (its run was removed): this step can never be replayed; try the one before it.
          this.s.mark.run(DEAD, h.id);
          continue;
        }
        this.s.mark.run(direction === 'undo' ? UNDONE : DONE, h.id);
        touched = { responseId, action: h.action };
        break;
      }
    }
    return {
      responseId: touched?.responseId ?? null,
      action: touched?.action ?? null,
      canUndo: this.canUndo(),
      canRedo: this.canRedo(),
    };
  }

  /** Puts a tag or verdict back as `snapshot` (null: tombstoned). Returns its response, or null when the row is gone. */
  private restore(entity: 'tag' | 'verdict' | 'suggestion', uuid: string, snapshot: TagRow | VerdictRow | DecisionSnapshot | null): number | null {
    const now = nowIso();
    if (entity === 'suggestion') {
      const row = this.tagRow(uuid);
      if (!row || !snapshot) return null;
      const target = snapshot as DecisionSnapshot;
      const current = this.decisionOf(row.id);
      if (current.result && current.result !== target.result && this.liveTag(current.result)) this.tombstone(current.result, now);
      if (target.result) {
        const t = this.tagRow(target.result);
        if (!t) return null;
        if (t.deleted_at !== null) this.s.writeTag.run({ ...tagFields(t), uuid: target.result, deleted_at: null, now });
      }
      this.writeDecision(row.id, target);
      return row.response_id;
    }
    if (entity === 'tag') {
      const current = this.tagRow(uuid);
      if (!current) return null;
      const target = (snapshot as TagRow | null) ?? { ...current, deleted_at: now };
      this.s.writeTag.run({ ...tagFields(target), uuid, deleted_at: target.deleted_at, now });
      return current.response_id;
    }
    const current = this.s.verdictByUuid.get(uuid) as VerdictRow | undefined;
    if (!current) return null;
    const target = (snapshot as VerdictRow | null) ?? { ...current, deleted_at: now };
    this.s.writeVerdict.run({
      supports: target.supports,
      review_status: target.review_status,
      note: target.note,
      deleted_at: target.deleted_at,
      uuid,
      now,
    });
    return current.response_id;
  }

  private record(me: number, action: string, entity: 'tag' | 'verdict' | 'suggestion', uuid: string, before: unknown, after: unknown): void {
    // A new action makes the undone ones unreachable: redo would replay them on top of a different state.
    this.s.killRedo.run(me);
    this.s.record.run(nowIso(), me, action, entity, uuid, before ? JSON.stringify(before) : null, after ? JSON.stringify(after) : null);
  }

  // ---------- lookups ----------

  private response(id: number): { id: number; raw: string; step_count: number } {
    const r = this.s.response.get(id) as { id: number; raw: string; step_count: number } | undefined;
    if (!r) throw new CotscopeError(`no response ${id}`, 'not_found');
    return r;
  }

  private usableLabel(key: string): { id: number } {
    const label = this.s.label.get(key) as { id: number; key: string; retired_at: string | null } | undefined;
    if (!label) throw invalid('label', `no label "${key}" in this workspace's taxonomy`);
    if (label.retired_at !== null) {
      throw invalid('label', `label "${key}" is retired: its tags are kept, but new tags cannot use it`);
    }
    return label;
  }

  private tagRow(uuid: string): TagRow | undefined {
    return this.s.tagRow.get(uuid) as TagRow | undefined;
  }

  private ownLiveTag(uuid: string): TagRow {
    const row = this.tagRow(uuid);
    if (!row || row.deleted_at !== null) throw new CotscopeError(`no tag ${uuid}${row ? ' (it was deleted)' : ''}`, 'not_found');
    this.checkOwner(row);
    return row;
  }

  /** Another annotator's tags are theirs: agreement figures need them as they were made (adjudication is separate). */
  private checkOwner(row: TagRow): void {
    if (row.annotator_id === this.annotator.id()) return;
    const owner = this.s.annotatorName.get(row.annotator_id) as string;
    throw new CotscopeError(
      `tag ${row.uuid} was made by ${owner}; you are ${this.annotator.name()} and can change only your own tags`,
      'forbidden',
    );
  }

  private tagOut(uuid: string): Tag {
    return tagFromRow(this.s.tagOut.get(uuid) as TagOut);
  }

  private verdictOut(uuid: string): Verdict {
    return verdictFromRow(this.s.verdictOut.get(uuid) as VerdictOut);
  }
}

function checkAnchors(
  response: { raw: string; step_count: number },
  steps: readonly [number, number] | null,
  span: readonly [number, number] | null,
): void {
  if (steps) {
    const n = response.step_count;
    if (steps[1] >= n) {
      throw invalid(
        'steps',
        n === 0
          ? 'this response has no steps to tag'
          : `step ${steps[1]} does not exist: this response has ${n} step${n === 1 ? '' : 's'} (0–${n - 1})`,
      );
    }
  }
  if (span && span[1] > response.raw.length) {
    throw invalid('span', `characters ${span[0]}–${span[1]} run past the end of the response (${response.raw.length} characters)`);
  }
}

/** What a tag says (its label, anchors, note, severity), without who, when or which row: what writes copy and edits compare. */
export type TagContent = Pick<TagRow, 'label_id' | 'step_start' | 'step_end' | 'char_start' | 'char_end' | 'time_start' | 'time_end' | 'note'> & {
  severity: string | null;
};

export function tagFields(t: TagContent): TagContent {
  return {
    label_id: t.label_id,
    step_start: t.step_start,
    step_end: t.step_end,
    char_start: t.char_start,
    char_end: t.char_end,
    time_start: t.time_start,
    time_end: t.time_end,
    note: t.note,
    severity: t.severity,
  };
}

/** Two tags say the same thing (an edit that changes nothing). */
export function sameTag(a: TagContent, b: TagContent): boolean {
  const fa = tagFields(a);
  const fb = tagFields(b);
  return (Object.keys(fa) as (keyof TagContent)[]).every((k) => fa[k] === fb[k]);
}

/** A value made on first use, then kept. */
function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}
