// import-tags: labels made elsewhere — an LLM judge's consistency verdicts, a script's detections — as one annotator's
// tags and verdicts. One JSON object per line:
//   {"run":"rl-grpo","sample_id":"115","rollout":0,"label":"inconsistent","steps":[2],"span":[120,188],"time":[1.5,3.0],"note":"…","severity":"major"}
//   {"run":"rl-grpo","sample_id":"115","rollout":0,"verdict":"no"}
// `level` is needed only when the run answered the same sample id in two levels; `rollout` defaults to 0.
//
// Re-importing a file changes nothing: a tag's UUID is derived (UUIDv5) from the annotator and what the tag says —
// response, label, steps, span, time — so the same line finds its own tag again (a changed note or severity updates
// it); a verdict is the annotator's one verdict on the response. Tags the file no longer has are left alone: this is
// an import, not a sync (packs carry deletions).
import crypto from 'node:crypto';
import path from 'node:path';
import fs from 'node:fs';
import { z } from 'zod';
import { CotscopeError } from './errors.ts';
import { SkipLog } from './import-report.ts';
import { fileSha256Sync, firstIssue, readLines, withField } from './pack.ts';
import { nowIso, type Db } from './store.ts';

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

export function uuidV5(name: string, namespace = NAMESPACE): string {
  const hash = crypto.createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
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

interface Candidate {
  id: number;
  level: string;
  rollout: number;
  raw_length: number;
  step_count: number;
}

export function importTags(db: Db, file: string, annotatorName: string): ImportTagsResult {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs) || !fs.statSync(abs).isFile()) throw new CotscopeError(`${file}: no such file`, 'not_found');
  const name = annotatorName.trim();
  if (!name) throw new CotscopeError('--annotator NAME is required (who made these labels, e.g. gpt-4.1-judge)', 'usage');
  const sha = fileSha256Sync(abs);
  const bytes = fs.statSync(abs).size;

  const s = {
    run: db.prepare('SELECT id FROM runs WHERE name = ?').pluck(),
    candidates: db.prepare(
      `SELECT x.id, s.level, x.rollout, length(x.raw) AS raw_length, x.step_count FROM responses x
         JOIN samples s ON s.id = x.sample_id WHERE x.run_id = ? AND s.sample_id = ?`,
    ),
    annotator: db.prepare('SELECT id FROM annotators WHERE name = ?').pluck(),
    insertAnnotator: db.prepare("INSERT INTO annotators (name, kind, created_at) VALUES (?, 'judge', ?)"),
    label: db.prepare('SELECT id, retired_at FROM labels WHERE key = ?'),
    tag: db.prepare('SELECT id, note, severity, deleted_at, annotator_id FROM tags WHERE uuid = ?'),
    insertTag: db.prepare(
      `INSERT INTO tags (uuid, response_id, label_id, annotator_id, step_start, step_end, char_start, char_end, time_start,
                         time_end, note, severity, origin, created_at, updated_at)
       VALUES (@uuid, @response_id, @label_id, @annotator_id, @step_start, @step_end, @char_start, @char_end, @time_start,
               @time_end, @note, @severity, 'import', @now, @now)`,
    ),
    reviseTag: db.prepare('UPDATE tags SET note = ?, severity = ?, deleted_at = NULL, updated_at = ? WHERE id = ?'),
    verdict: db.prepare('SELECT id, supports, deleted_at FROM verdicts WHERE response_id = ? AND annotator_id = ?'),
    insertVerdict: db.prepare(
      `INSERT INTO verdicts (uuid, response_id, annotator_id, supports, review_status, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'done', ?, ?)`,
    ),
    reviseVerdict: db.prepare("UPDATE verdicts SET supports = ?, review_status = 'done', deleted_at = NULL, updated_at = ? WHERE id = ?"),
    insertImport: db.prepare(
      `INSERT INTO imports (kind, path, sha256, bytes, format, imported, skipped, options, imported_at)
       VALUES ('tags', ?, ?, ?, 'cotscope-tags-jsonl', 0, 0, ?, ?)`,
    ),
    finishImport: db.prepare('UPDATE imports SET imported = ?, skipped = ? WHERE id = ?'),
    insertSkip: db.prepare('INSERT INTO import_skips (import_id, line, field, reason) VALUES (?, ?, ?, ?)'),
  };

  return db.transaction((): ImportTagsResult => {
    const now = nowIso();
    let annotatorId = s.annotator.get(name) as number | undefined;
    const annotatorCreated = annotatorId === undefined;
    if (annotatorId === undefined) annotatorId = Number(s.insertAnnotator.run(name, now).lastInsertRowid);
    const importId = Number(s.insertImport.run(abs, sha, bytes, JSON.stringify({ annotator: name }), now).lastInsertRowid);
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
    const runIds = new Map<string, number | null>();

    const resolve = (line: number, l: TagsLineT): Candidate | null => {
      let runId = runIds.get(l.run);
      if (runId === undefined) runIds.set(l.run, (runId = (s.run.get(l.run) as number | undefined) ?? null));
      if (runId === null) {
        skip(line, 'run', `unknown run "${l.run}"`);
        return null;
      }
      let found = s.candidates.all(runId, l.sample_id) as Candidate[];
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
      const levels = [...new Set(found.map((c) => c.level))];
      if (levels.length > 1) {
        skip(line, 'level', `sample ${l.sample_id} is in ${levels.join(' and ')} for run "${l.run}": add "level"`);
        return null;
      }
      const hit = found.find((c) => c.rollout === l.rollout);
      if (!hit) {
        const rollouts = found.map((c) => c.rollout).sort((a, b) => a - b);
        skip(line, 'rollout', `run "${l.run}" has rollout(s) ${rollouts.join(', ')} for sample ${l.sample_id}, not ${l.rollout}`);
        return null;
      }
      return hit;
    };

    for (const { line, text } of readLines(abs)) {
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
      const response = resolve(line, l);
      if (!response) continue;

      let tag: Record<string, unknown> | null = null;
      if (l.label !== undefined) {
        const label = s.label.get(l.label) as { id: number; retired_at: string | null } | undefined;
        if (!label) {
          skip(line, 'label', `unknown label key "${l.label}" (see the taxonomy in Settings)`);
          continue;
        }
        if (label.retired_at !== null) {
          skip(line, 'label', `label "${l.label}" is retired: its tags are kept, but new tags cannot use it`);
          continue;
        }
        const steps = l.steps ? [l.steps[0], l.steps[l.steps.length - 1]] : null;
        if (steps && steps[1] >= response.step_count) {
          skip(line, 'steps', `step ${steps[1]} is out of range: the response has ${response.step_count} step(s) (0–${response.step_count - 1})`);
          continue;
        }
        if (l.span && l.span[1] > response.raw_length) {
          skip(line, 'span', `characters ${l.span[0]}–${l.span[1]} lie outside the response text (${response.raw_length} characters)`);
          continue;
        }
        tag = {
          response_id: response.id,
          label_id: label.id,
          annotator_id: annotatorId,
          step_start: steps?.[0] ?? null,
          step_end: steps?.[1] ?? null,
          char_start: l.span?.[0] ?? null,
          char_end: l.span?.[1] ?? null,
          time_start: l.time?.[0] ?? null,
          time_end: l.time?.[1] ?? null,
          note: l.note ?? null,
          severity: l.severity ?? null,
          now,
        };
        // What the tag says, not how it is worded: the same tag again finds its row, a new note revises it.
        tag.uuid = uuidV5(
          JSON.stringify([name, l.run, response.level, l.sample_id, l.rollout, l.label, steps, l.span ?? null, l.time ?? null]),
        );
      }

      if (tag) {
        const existing = s.tag.get(tag.uuid) as { id: number; note: string | null; severity: string | null; deleted_at: string | null; annotator_id: number } | undefined;
        if (!existing) {
          s.insertTag.run(tag);
          result.tags.added++;
        } else if (existing.note === tag.note && existing.severity === tag.severity && existing.deleted_at === null) {
          result.tags.unchanged++;
        } else {
          s.reviseTag.run(tag.note, tag.severity, now, existing.id);
          result.tags.updated++;
        }
      }
      if (l.verdict !== undefined) {
        const existing = s.verdict.get(response.id, annotatorId) as { id: number; supports: string | null; deleted_at: string | null } | undefined;
        if (!existing) {
          s.insertVerdict.run(uuidV5(JSON.stringify([name, l.run, response.level, l.sample_id, l.rollout, 'verdict'])), response.id, annotatorId, l.verdict, now, now);
          result.verdicts.added++;
        } else if (existing.supports === l.verdict && existing.deleted_at === null) {
          result.verdicts.unchanged++;
        } else {
          s.reviseVerdict.run(l.verdict, now, existing.id);
          result.verdicts.updated++;
        }
      }
    }
    for (const k of result.skipped.kept) s.insertSkip.run(importId, k.line, k.field, k.reason);
    const imported = result.tags.added + result.tags.updated + result.verdicts.added + result.verdicts.updated;
    s.finishImport.run(imported, result.skipped.count, importId);
    return result;
  })();
}
