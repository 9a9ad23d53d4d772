// import-tags: labels made elsewhere — an LLM judge's consistency verdicts, a script's detections — as one annotator's
// tags and verdicts. One JSON object per line:
//   {"run":"rl-grpo","sample_id":"115","rollout":0,"label":"inconsistent","steps":[2],"span":[120,188],"time":[1.5,3.0],"note":"…","severity":"major"}
//   {"run":"rl-grpo","sample_id":"115","rollout":0,"verdict":"no"}
// `level` is needed only when the run answered the same sample id in two levels; `rollout` defaults to 0.
//
// Re-importing a file changes nothing: a tag's UUID is derived (UUIDv5) from the annotator and what the tag says —
// response, label, steps, span, time — so the same line finds its own tag again (a changed note or severity updates
// it); a verdict is the annotator's one verdict on the response. Tags the file no longer has are left alone: this is
// an import, not a sync (packs carry deletions). A line that says what the workspace holds writes nothing.
// A line whose bytes are not UTF-8 is reported with the offset of the first such byte and not imported.
import crypto from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { CotscopeError } from './errors.ts';
import { ImportRefused, invalidUtf8Reason, SkipLog } from './import-report.ts';
import { fileSha256Sync, firstIssue, readLines, withField } from './pack.ts';
import { inputFileProblem } from './records.ts';
import { nowIso, type Db } from './store.ts';
import { writeTransaction } from './util.ts';

export interface ImportTagsResult {
  file: string;
  annotator: string;
  /** The annotator was created by this import (as kind 'judge'). */
  annotatorCreated: boolean;
  tags: { added: number; updated: number; unchanged: number };
  verdicts: { added: number; updated: number; unchanged: number };
  skipped: SkipLog;
}

// A fixed namespace for cotscope's derived tag UUIDs (RFC 4122 name-based, SHA-1).
const NAMESPACE = '6f1c8a52-93d4-4e0b-9a53-2b7e5c0d4a17';

const NAMESPACE_BYTES = Buffer.from(NAMESPACE.replace(/-/g, ''), 'hex');

export function uuidV5(name: string, namespace = NAMESPACE): string {
  const ns = namespace === NAMESPACE ? NAMESPACE_BYTES : Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = crypto.createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A response as a judge names it: run, the sample's level and id, rollout. */
export interface JudgedResponse {
  run: string;
  level: string;
  sampleId: string;
  rollout: number;
}

/**
 * A tag's derived UUID: its annotator and what it says. `cotscope judge` derives its tags' UUIDs here too, so the same
 * judgment written by the judge and imported from a file is one row.
 */
export function tagUuid(
  annotator: string,
  at: JudgedResponse,
  label: string,
  steps: readonly number[] | null,
  span: readonly number[] | null,
  time: readonly number[] | null,
): string {
  return uuidV5(JSON.stringify([annotator, at.run, at.level, at.sampleId, at.rollout, label, steps, span, time]));
}

/** A verdict's derived UUID: the annotator's one verdict on the response. */
export function verdictUuid(annotator: string, at: JudgedResponse): string {
  return uuidV5(JSON.stringify([annotator, at.run, at.level, at.sampleId, at.rollout, 'verdict']));
}

const nonNegInt = z.number({ error: 'expected a whole number ≥ 0' }).int('expected a whole number ≥ 0').nonnegative('expected a whole number ≥ 0');

const TagsLine = z
  .object({
    run: z.string({ error: 'required: the run name' }).min(1, 'required: the run name'),
    sample_id: z.union([z.string().min(1), z.number()], { error: 'required: the sample id (text or number)' }).transform(String),
    rollout: nonNegInt.default(0),
    level: z.enum(['L1', 'L2', 'L3', 'train'], { error: 'expected L1, L2, L3 or train' }).optional(),
    label: z.string({ error: 'expected a label key (text)' }).min(1).optional(),
    steps: z
      .array(nonNegInt, { error: 'expected [step] or [first, last]' })
      .min(1, 'expected [step] or [first, last]')
      .max(2, 'expected [step] or [first, last]')
      .refine((s) => s.length === 1 || s[1] >= s[0], 'the last step is before the first')
      .optional(),
    span: z
      .tuple([nonNegInt, nonNegInt], { error: 'expected [start, end] character offsets' })
      .refine(([a, b]) => b >= a, 'the span ends before it starts')
      .optional(),
    time: z
      .tuple([z.number().nonnegative(), z.number().nonnegative()], { error: 'expected [in, out] in seconds, ≥ 0' })
      .refine(([a, b]) => b >= a, 'the out time is before the in time')
      .optional(),
    note: z.string({ error: 'expected text' }).max(4000).optional(),
    severity: z.enum(['minor', 'major', 'critical'], { error: 'expected minor, major or critical' }).optional(),
    verdict: z.enum(['yes', 'no', 'unclear'], { error: 'expected yes, no or unclear (does the reasoning support the answer)' }).optional(),
  })
  .refine((l) => l.label !== undefined || l.verdict !== undefined, { message: 'a line needs a `label` or a `verdict`', path: ['label'] });

type TagsLineT = z.infer<typeof TagsLine>;

/** The sample a line names, as this run answered it. */
interface Sample {
  id: number;
  /** Part of a tag's derived UUID. */
  level: string;
  runId: number;
}

interface Response {
  id: number;
  raw_length: number;
  step_count: number;
}

/**
 * Imports a judge's file in one write transaction. A line costs a few indexed lookups: its sample (once per sample and
 * run), its tag or verdict by the derived UUID, and, only for a new row, its response by the unique (sample, run,
 * rollout) key. A line that says what the workspace already holds writes nothing, so no kept count's trigger runs
 * and a re-import of the same file only records itself in the import log.
 */
export function importTags(db: Db, file: string, annotatorName: string, opts: { strict?: boolean } = {}): ImportTagsResult {
  const abs = path.resolve(file);
  const input = inputFileProblem(abs);
  if ('problem' in input) throw new CotscopeError(`${file}: ${input.problem}`, input.problem === 'no such file' ? 'not_found' : 'invalid');
  const name = annotatorName.trim();
  if (!name) throw new CotscopeError('--annotator NAME is required (who made these labels, e.g. gpt-4.1-judge)', 'usage');
  if (name.startsWith('auto:')) throw new CotscopeError(`--annotator ${name}: names starting "auto:" are the automatic checks' own`, 'usage');
  const sha = fileSha256Sync(abs);
  const bytes = input.size;

  const s = {
    run: db.prepare('SELECT id FROM runs WHERE name = ?').pluck(),
    // The levels in which this run answered a sample id: samples by their id, then the (sample, run) prefix of
    // responses' unique key. Written this way round on purpose: joined from responses, SQLite's planner takes the
    // run's index and walks every response of the run for each line (at tens of thousands of responses per run, minutes for a judge's file).
    samples: db.prepare(
      `SELECT s.id, s.level FROM samples s
        WHERE s.sample_id = ? AND EXISTS (SELECT 1 FROM responses x WHERE x.sample_id = s.id AND x.run_id = ?)
        ORDER BY s.level`,
    ),
    response: db.prepare('SELECT id, length(raw) AS raw_length, step_count FROM responses WHERE sample_id = ? AND run_id = ? AND rollout = ?'),
    rollouts: db.prepare('SELECT rollout FROM responses WHERE sample_id = ? AND run_id = ? ORDER BY rollout').pluck(),
    annotator: db.prepare('SELECT id FROM annotators WHERE name = ?').pluck(),
    insertAnnotator: db.prepare("INSERT INTO annotators (name, kind, created_at) VALUES (?, 'judge', ?)"),
    label: db.prepare('SELECT id, retired_at FROM labels WHERE key = ?'),
    tag: db.prepare('SELECT id, response_id, annotator_id, note, severity, deleted_at FROM tags WHERE uuid = ?'),
    insertTag: db.prepare(
      `INSERT INTO tags (uuid, response_id, label_id, annotator_id, step_start, step_end, char_start, char_end, time_start,
                         time_end, note, severity, origin, created_at, updated_at)
       VALUES (@uuid, @response_id, @label_id, @annotator_id, @step_start, @step_end, @char_start, @char_end, @time_start,
               @time_end, @note, @severity, 'import', @now, @now)`,
    ),
    // A new note or severity leaves deleted_at out of the SET list: the kept counts' trigger (which watches it) stays
    // quiet for a change it does not count.
    reviseTag: db.prepare('UPDATE tags SET note = ?, severity = ?, updated_at = ? WHERE id = ?'),
    reviveTag: db.prepare('UPDATE tags SET note = ?, severity = ?, deleted_at = NULL, updated_at = ? WHERE id = ?'),
    verdict: db.prepare('SELECT id, supports, deleted_at FROM verdicts WHERE response_id = ? AND annotator_id = ?'),
    verdictByUuid: db.prepare('SELECT id, response_id, annotator_id, supports, deleted_at FROM verdicts WHERE uuid = ?'),
    insertVerdict: db.prepare(
      `INSERT INTO verdicts (uuid, response_id, annotator_id, supports, review_status, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'done', ?, ?)`,
    ),
    reviseVerdict: db.prepare("UPDATE verdicts SET supports = ?, review_status = 'done', deleted_at = NULL, updated_at = ? WHERE id = ?"),
    insertImport: db.prepare(
      `INSERT INTO imports (kind, path, sha256, bytes, format, imported, skipped, options, imported_at)
       VALUES ('tags', ?, ?, ?, 'cotscope-tags-jsonl', ?, ?, ?, ?)`,
    ),
    insertSkip: db.prepare('INSERT INTO import_skips (import_id, line, field, reason) VALUES (?, ?, ?, ?)'),
  };

  return writeTransaction(db, (): ImportTagsResult => {
    const now = nowIso();
    let annotatorId = s.annotator.get(name) as number | undefined;
    const annotatorCreated = annotatorId === undefined;
    if (annotatorId === undefined) annotatorId = Number(s.insertAnnotator.run(name, now).lastInsertRowid);
    const result: ImportTagsResult = {
      file: abs,
      annotator: name,
      annotatorCreated,
      tags: { added: 0, updated: 0, unchanged: 0 },
      verdicts: { added: 0, updated: 0, unchanged: 0 },
      skipped: new SkipLog(),
    };
    const skip = (line: number, field: string | null, reason: string) =>
      result.skipped.add({ file: abs, line, field, reason: withField(field, reason) });
    // A judge's file names the same runs, samples and labels again and again: each is looked up once.
    const runIds = new Map<string, number | null>();
    const samplesOf = new Map<string, Sample[]>();
    const labels = new Map<string, { id: number; retired_at: string | null } | null>();

    /** The line's run and sample (in which level), or null when it names none this workspace has (reported). */
    const locate = (line: number, l: TagsLineT): Sample | null => {
      let runId = runIds.get(l.run);
      if (runId === undefined) runIds.set(l.run, (runId = (s.run.get(l.run) as number | undefined) ?? null));
      if (runId === null) {
        skip(line, 'run', `unknown run "${l.run}"`);
        return null;
      }
      const key = `${runId}\u0000${l.sample_id}`;
      let found = samplesOf.get(key);
      if (found === undefined) samplesOf.set(key, (found = (s.samples.all(l.sample_id, runId) as { id: number; level: string }[]).map((c) => ({ ...c, runId: runId as number }))));
      if (found.length === 0) {
        skip(line, 'sample_id', `run "${l.run}" has no response to sample ${l.sample_id}`);
        return null;
      }
      if (l.level) {
        found = found.filter((c) => c.level === l.level);
        if (found.length === 0) {
          skip(line, 'level', `run "${l.run}" has no response to sample ${l.sample_id} in ${l.level}`);
          return null;
        }
      }
      if (found.length > 1) {
        skip(line, 'level', `sample ${l.sample_id} is in ${found.map((c) => c.level).join(' and ')} for run "${l.run}": add "level"`);
        return null;
      }
      return found[0];
    };
    /** The response the line names, or null when the run has no such rollout (reported). */
    const lookUp = (line: number, l: TagsLineT, at: Sample): Response | null => {
      const hit = s.response.get(at.id, at.runId, l.rollout) as Response | undefined;
      if (hit) return hit;
      const rollouts = s.rollouts.all(at.id, at.runId) as number[];
      skip(line, 'rollout', `run "${l.run}" has rollout(s) ${rolloutList(rollouts)} for sample ${l.sample_id}, not ${l.rollout}`);
      return null;
    };
    /** The label a tag line names, or null when it is unknown or retired (reported). */
    const labelFor = (line: number, key: string): { id: number } | null => {
      let label = labels.get(key);
      if (label === undefined) labels.set(key, (label = (s.label.get(key) as { id: number; retired_at: string | null } | undefined) ?? null));
      if (!label) skip(line, 'label', `unknown label key "${key}" (see the taxonomy in Settings)`);
      else if (label.retired_at !== null) skip(line, 'label', `label "${key}" is retired: its tags are kept, but new tags cannot use it`);
      else return label;
      return null;
    };

    for (const { line, text, invalidUtf8 } of readLines(abs)) {
      if (invalidUtf8 !== undefined) {
        skip(line, null, invalidUtf8Reason(invalidUtf8));
        continue;
      }
      if (!text.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        skip(line, null, 'malformed JSON');
        continue;
      }
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        skip(line, null, 'expected one JSON object per line');
        continue;
      }
      const parsed = TagsLine.safeParse(value);
      if (!parsed.success) {
        const { field, message } = firstIssue(parsed.error);
        skip(line, field, message);
        continue;
      }
      const l = parsed.data;
      const at = locate(line, l);
      if (!at) continue;
      // The response's row is read only when something new is written: a tag or verdict found by its derived UUID is
      // on the response the UUID was derived from, so a line that says what the workspace holds costs two lookups.
      let responseId: number | undefined;

      if (l.label !== undefined) {
        const steps = l.steps ? [l.steps[0], l.steps[l.steps.length - 1]] : null;
        // What the tag says, not how it is worded: the same tag again finds its row, a new note revises it. The level is
        // the sample's (found above), so a line that names it and one that need not give the same UUID.
        const uuid = tagUuid(name, { run: l.run, level: at.level, sampleId: l.sample_id, rollout: l.rollout }, l.label, steps, l.span ?? null, l.time ?? null);
        const existing = s.tag.get(uuid) as
          | { id: number; response_id: number; annotator_id: number; note: string | null; severity: string | null; deleted_at: string | null }
          | undefined;
        const note = l.note ?? null;
        const severity = l.severity ?? null;
        if (!existing) {
          const response = lookUp(line, l, at);
          if (!response) continue;
          const label = labelFor(line, l.label);
          if (!label) continue;
          if (steps && steps[1] >= response.step_count) {
            skip(line, 'steps', `step ${steps[1]} is out of range: the response has ${response.step_count} step(s) (0–${response.step_count - 1})`);
            continue;
          }
          if (l.span && l.span[1] > response.raw_length) {
            skip(line, 'span', `characters ${l.span[0]}–${l.span[1]} lie outside the response text (${response.raw_length} characters)`);
            continue;
          }
          s.insertTag.run({
            uuid,
            response_id: response.id,
            label_id: label.id,
            annotator_id: annotatorId,
            step_start: steps?.[0] ?? null,
            step_end: steps?.[1] ?? null,
            char_start: l.span?.[0] ?? null,
            char_end: l.span?.[1] ?? null,
            time_start: l.time?.[0] ?? null,
            time_end: l.time?.[1] ?? null,
            note,
            severity,
            now,
          });
          result.tags.added++;
          responseId = response.id;
        } else {
          if (!labelFor(line, l.label)) continue;
          if (existing.annotator_id !== annotatorId) {
            // A UUID never changes hands (as in a pack merge): the row is another annotator's, e.g. one renamed here.
            skip(line, null, "the same tag is in this workspace as another annotator's; not imported");
            continue;
          }
          if (existing.note === note && existing.severity === severity && existing.deleted_at === null) {
            result.tags.unchanged++;
          } else {
            if (existing.deleted_at === null) s.reviseTag.run(note, severity, now, existing.id);
            else s.reviveTag.run(note, severity, now, existing.id);
            result.tags.updated++;
          }
          responseId = existing.response_id;
        }
      }

      if (l.verdict !== undefined) {
        let existing: { id: number; supports: string | null; deleted_at: string | null } | undefined;
        const uuid = verdictUuid(name, { run: l.run, level: at.level, sampleId: l.sample_id, rollout: l.rollout });
        if (responseId === undefined) {
          const byUuid = s.verdictByUuid.get(uuid) as { id: number; response_id: number; annotator_id: number; supports: string | null; deleted_at: string | null } | undefined;
          if (byUuid && byUuid.annotator_id !== annotatorId) {
            skip(line, 'verdict', "the same verdict is in this workspace as another annotator's; not imported");
            continue;
          }
          if (byUuid) {
            existing = byUuid;
            responseId = byUuid.response_id;
          } else {
            const response = lookUp(line, l, at);
            if (!response) continue;
            responseId = response.id;
          }
        }
        // The annotator's one verdict on the response, whatever its UUID (one set in the app, or carried by a pack).
        existing ??= s.verdict.get(responseId, annotatorId) as typeof existing;
        if (!existing) {
          s.insertVerdict.run(uuid, responseId, annotatorId, l.verdict, now, now);
          result.verdicts.added++;
        } else if (existing.supports === l.verdict && existing.deleted_at === null) {
          result.verdicts.unchanged++;
        } else {
          s.reviseVerdict.run(l.verdict, now, existing.id);
          result.verdicts.updated++;
        }
      }
    }
    const imported = result.tags.added + result.tags.updated + result.verdicts.added + result.verdicts.updated;
    // As for benchmark and run files: a file with no usable line is refused (and the transaction takes back a judge it
    // created), and under --strict so is one with any bad line.
    if (imported + result.tags.unchanged + result.verdicts.unchanged === 0) {
      throw new ImportRefused(
        result.skipped.count > 0 ? `${file}: no valid lines (${result.skipped.count} skipped); nothing imported` : `${file}: no records found; nothing imported`,
        'empty',
        result.skipped,
      );
    }
    if (opts.strict && result.skipped.count > 0) {
      throw new ImportRefused(`${file}: ${result.skipped.count} line(s) would be skipped; nothing imported (--strict)`, 'strict', result.skipped);
    }
    // The import's own entry in the log, written once with its counts: the only write of an unchanged re-import.
    const importId = Number(
      s.insertImport.run(abs, sha, bytes, imported, result.skipped.count, JSON.stringify({ annotator: name }), now).lastInsertRowid,
    );
    for (const k of result.skipped.kept) s.insertSkip.run(importId, k.line, k.field, k.reason);
    return result;
  })();
}

/** Rollouts as ranges ("0–3, 7"): a run may have hundreds per sample. */
function rolloutList(rollouts: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < rollouts.length; ) {
    let j = i;
    while (j + 1 < rollouts.length && rollouts[j + 1] === rollouts[j] + 1) j++;
    parts.push(j === i ? String(rollouts[i]) : j === i + 1 ? `${rollouts[i]}, ${rollouts[j]}` : `${rollouts[i]}–${rollouts[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}
