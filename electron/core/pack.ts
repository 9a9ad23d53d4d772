// Annotation packs: what a teammate sends. `export-pack` writes the workspace's annotation layer — tags, verdicts,
// adjudication decisions and adjudicated verdicts, tombstones included, each with its UUID — plus the taxonomy and the
// annotators; `import-pack` merges one into this workspace.
//
// Whose work: by default every annotator's in the workspace (humans, judges brought in with import-tags, adjudicators),
// or only the named ones. Relaying a teammate's work through a pack is harmless: rows are matched by UUID, the newest
// updated_at wins, and a UUID never changes hands between annotators, so an older copy can never overwrite a newer one.
//
// Format (JSONL, UTF-8): line 1 is the header
//   {"format":"cotscope-pack","version":1,"cotscope":…,"created_at":…,"workspace":…,"annotators":[{name,kind}],"labels":[…]}
// then one object per line, `type` first: tag, verdict, adjudicated_verdict, adjudication (adjudications after the
// tags they point at, in the order they were made: the newest decision on a tag holds). Responses are named by
// run + level + sample_id + rollout, never by this workspace's row ids. A line whose bytes are not UTF-8 is reported
// (with the offset of the first such byte) and not merged; a header with such bytes refuses the pack.
import { isAscii, isUtf8 } from 'node:buffer';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { MergeCounts, PackReport } from '../../shared/api.ts';
import { CotscopeError } from './errors.ts';
import { checkDestination, place } from './export/output.ts';
import { ImportRefused, invalidUtf8Reason, SkipLog } from './import-report.ts';
import { firstInvalidUtf8, inputFileProblem } from './records.ts';
import { nowIso, type Db, type Store } from './store.ts';
import { writeTransaction } from './util.ts';
import { VERSION } from './version.ts';

export const PACK_FORMAT = 'cotscope-pack';
export const PACK_VERSION = 1;
const UNMATCHED_SHOWN = 10;

// ---------- reading lines ----------

export interface FileLine {
  /** 1-based line number. */
  line: number;
  /** The line without its line end (LF or CRLF). */
  text: string;
  /**
   * Set when the line holds bytes that are not UTF-8: the offset in the file (from 0, as `xxd` counts) of the first.
   * Its text then has U+FFFD in their place: the line is reported, not imported.
   */
  invalidUtf8?: number;
}

/**
 * Lines of a file, read synchronously in 1 MiB chunks (a pack is merged inside one synchronous transaction). A UTF-8
 * byte order mark at the start is dropped. Checking UTF-8 costs one native pass over each chunk's complete lines
 * (isAscii, else isUtf8: a run of lines is valid exactly when each is, since LF never occurs inside a character); only
 * a chunk that fails is checked line by line, to say which lines and where.
 */
export function* readLines(file: string): Generator<FileLine> {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    let rest = Buffer.alloc(0);
    let base = 0; // the file offset of chunk[0]
    let n = 0;
    let first = true;
    const lineOf = (chunk: Buffer, start: number, end: number, ascii: boolean, checkEach: boolean): FileLine => {
      if (end > start && chunk[end - 1] === 13) end--;
      const text = chunk.toString(ascii ? 'latin1' : 'utf8', start, end);
      if (!checkEach || isUtf8(chunk.subarray(start, end))) return { line: n, text };
      return { line: n, text, invalidUtf8: base + Math.max(start, firstInvalidUtf8(chunk, start, end)) };
    };
    for (;;) {
      const read = fs.readSync(fd, buf, 0, buf.length, null);
      if (read === 0) break;
      const chunk = rest.length ? Buffer.concat([rest, buf.subarray(0, read)]) : buf.subarray(0, read);
      let start = 0;
      if (first) {
        first = false;
        if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) start = 3;
      }
      const last = chunk.lastIndexOf(10);
      const ascii = isAscii(chunk);
      const checkEach = !ascii && last > start && !isUtf8(chunk.subarray(start, last));
      for (let i = chunk.indexOf(10, start); i !== -1; i = chunk.indexOf(10, start)) {
        n++;
        yield lineOf(chunk, start, i, ascii, checkEach);
        start = i + 1;
      }
      rest = Buffer.from(chunk.subarray(start));
      base += start;
    }
    if (rest.length) {
      n++;
      yield lineOf(rest, 0, rest.length, isAscii(rest), true);
    }
  } finally {
    fs.closeSync(fd);
  }
}

export function fileSha256Sync(file: string): string {
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    for (let read = fs.readSync(fd, buf); read > 0; read = fs.readSync(fd, buf)) hash.update(buf.subarray(0, read));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

/** The first problem of a zod parse as (field, message), for a skipped line. */
export function firstIssue(error: z.ZodError): { field: string | null; message: string } {
  const issue = error.issues[0];
  const field = issue.path.length ? issue.path.join('.') : null;
  return { field, message: field ? `field \`${field}\`: ${issue.message}` : issue.message };
}

/** A skipped line's reason names its field first, as every import's report does. */
export function withField(field: string | null, reason: string): string {
  return field === null || reason.startsWith('field `') ? reason : `field \`${field}\`: ${reason}`;
}

// ---------- the format ----------

const iso = z.string().min(10).max(40);
const uuid = z.string().uuid();
const pair = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]);
const timePair = z.tuple([z.number().nonnegative(), z.number().nonnegative()]);
const responseKey = {
  run: z.string().min(1),
  level: z.enum(['L1', 'L2', 'L3', 'train']),
  sample_id: z.union([z.string().min(1), z.number()]).transform(String),
  rollout: z.number().int().nonnegative(),
};

const HeaderSchema = z.object({
  format: z.literal(PACK_FORMAT),
  version: z.number().int().positive(),
  annotators: z.array(z.object({ name: z.string().min(1), kind: z.enum(['human', 'judge', 'auto']).default('human') })).default([]),
  labels: z
    .array(
      z.object({
        key: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/),
        name: z.string().min(1),
        description: z.string().default(''),
        color: z.string().regex(/^#[0-9a-fA-F]{6}$/),
        hotkey: z.string().nullable().default(null),
        target: z.enum(['span', 'time', 'response']),
        retired: z.boolean().default(false),
      }),
    )
    .default([]),
});

const TagLine = z.object({
  type: z.literal('tag'),
  uuid,
  ...responseKey,
  label: z.string().min(1),
  annotator: z.string().min(1),
  // Absent is null: a pack trimmed by hand still reads.
  steps: pair.nullable().default(null),
  span: pair.nullable().default(null),
  time: timePair.nullable().default(null),
  note: z.string().nullable().default(null),
  severity: z.enum(['minor', 'major', 'critical']).nullable().default(null),
  origin: z.enum(['human', 'suggestion', 'import', 'adjudication']).default('human'),
  created_at: iso,
  updated_at: iso,
  deleted_at: iso.nullable().default(null),
});

const VerdictLine = z.object({
  type: z.literal('verdict'),
  uuid,
  ...responseKey,
  annotator: z.string().min(1),
  supports: z.enum(['yes', 'no', 'unclear']).nullable().default(null),
  review_status: z.enum(['todo', 'done', 'skipped']).default('todo'),
  note: z.string().nullable().default(null),
  created_at: iso,
  updated_at: iso,
  deleted_at: iso.nullable().default(null),
});

const AdjudicatedVerdictLine = z.object({
  type: z.literal('adjudicated_verdict'),
  uuid,
  ...responseKey,
  adjudicator: z.string().min(1),
  supports: z.enum(['yes', 'no', 'unclear']).nullable().default(null),
  note: z.string().nullable().default(null),
  created_at: iso,
  updated_at: iso,
  deleted_at: iso.nullable().default(null),
});

const AdjudicationLine = z.object({
  type: z.literal('adjudication'),
  uuid,
  tag: uuid,
  adjudicator: z.string().min(1),
  decision: z.enum(['keep', 'edit', 'drop']),
  result_tag: uuid.nullable().default(null),
  note: z.string().nullable().default(null),
  created_at: iso,
});

const LineSchema = z.discriminatedUnion('type', [TagLine, VerdictLine, AdjudicatedVerdictLine, AdjudicationLine]);
type Line = z.infer<typeof LineSchema>;

// ---------- export ----------

export interface PackExportResult {
  out: string;
  annotators: string[];
  tags: number;
  verdicts: number;
  adjudicatedVerdicts: number;
  adjudications: number;
}

const KEY_COLUMNS = 'r.name AS run, s.level, s.sample_id, x.rollout';
const KEY_JOINS = 'JOIN responses x ON x.id = {T}.response_id JOIN runs r ON r.id = x.run_id JOIN samples s ON s.id = x.sample_id';

/** Writes a pack to a temporary file beside `out` and renames it into place (a failed export leaves no half file). */
export function exportPack(store: Store, out: string, opts: { annotators?: readonly string[]; replace?: boolean } = {}): PackExportResult {
  const { db } = store;
  const replace = opts.replace ?? false;
  const abs = checkDestination(out, { folder: false, replace, sidecar: false });
  const allAnnotators = db.prepare('SELECT id, name, kind FROM annotators ORDER BY name').all() as { id: number; name: string; kind: string }[];
  const only = opts.annotators?.length ? opts.annotators : null;
  if (only) {
    const unknown = only.filter((n) => !allAnnotators.some((a) => a.name === n));
    if (unknown.length) throw new CotscopeError(`--annotator ${unknown.join(', ')}: no such annotator in this workspace`, 'not_found');
  }
  // The automatic checks (kind 'auto') are nobody's work to carry: their suggestions are not in packs.
  const chosen = allAnnotators.filter((a) => (only ? only.includes(a.name) : a.kind !== 'auto'));
  const ids = JSON.stringify(chosen.map((a) => a.id));
  const who = (col: string) => `${col} IN (SELECT value FROM json_each('${ids.replace(/'/g, "''")}'))`;

  const tags = db
    .prepare(
      `SELECT t.*, l.key AS label, a.name AS annotator, ${KEY_COLUMNS} FROM tags t
         JOIN labels l ON l.id = t.label_id JOIN annotators a ON a.id = t.annotator_id ${KEY_JOINS.replace('{T}', 't')}
        WHERE ${who('t.annotator_id')} AND t.origin <> 'suggestion' ORDER BY t.uuid`,
    )
    .iterate() as IterableIterator<any>;
  const verdicts = db
    .prepare(
      `SELECT v.*, a.name AS annotator, ${KEY_COLUMNS} FROM verdicts v
         JOIN annotators a ON a.id = v.annotator_id ${KEY_JOINS.replace('{T}', 'v')}
        WHERE ${who('v.annotator_id')} ORDER BY v.uuid`,
    )
    .iterate() as IterableIterator<any>;
  const adjVerdicts = db
    .prepare(
      `SELECT v.*, a.name AS adjudicator, ${KEY_COLUMNS} FROM adjudicated_verdicts v
         JOIN annotators a ON a.id = v.adjudicator_id ${KEY_JOINS.replace('{T}', 'v')}
        WHERE ${who('v.adjudicator_id')} ORDER BY v.uuid`,
    )
    .iterate() as IterableIterator<any>;
  const adjudications = db
    .prepare(
      `SELECT j.*, a.name AS adjudicator, t.uuid AS tag_uuid, rt.uuid AS result_uuid FROM adjudications j
         JOIN annotators a ON a.id = j.adjudicator_id JOIN tags t ON t.id = j.tag_id LEFT JOIN tags rt ON rt.id = j.result_tag_id
        WHERE ${who('j.adjudicator_id')} ORDER BY j.created_at, j.id`,
    )
    .iterate() as IterableIterator<any>;
  const labels = (db.prepare('SELECT * FROM labels ORDER BY sort_order, id').all() as any[]).map((l) => ({
    key: l.key,
    name: l.name,
    description: l.description,
    color: l.color,
    hotkey: l.hotkey,
    target: l.target,
    retired: l.retired_at !== null,
  }));

  const tmp = `${abs}.partial-${process.pid}`;
  const fd = fs.openSync(tmp, 'w');
  const counts = { tags: 0, verdicts: 0, adjudicatedVerdicts: 0, adjudications: 0 };
  try {
    let buf = '';
    const write = (o: unknown) => {
      buf += JSON.stringify(o) + '\n';
      if (buf.length > 1 << 20) {
        fs.writeSync(fd, buf);
        buf = '';
      }
    };
    write({
      format: PACK_FORMAT,
      version: PACK_VERSION,
      cotscope: VERSION,
      created_at: nowIso(),
      workspace: path.basename(store.file),
      annotators: chosen.map((a) => ({ name: a.name, kind: a.kind })),
      labels,
    });
    const key = (r: any) => ({ run: r.run, level: r.level, sample_id: r.sample_id, rollout: r.rollout });
    for (const t of tags) {
      counts.tags++;
      write({
        type: 'tag',
        uuid: t.uuid,
        ...key(t),
        label: t.label,
        annotator: t.annotator,
        steps: t.step_start === null ? null : [t.step_start, t.step_end],
        span: t.char_start === null ? null : [t.char_start, t.char_end],
        time: t.time_start === null ? null : [t.time_start, t.time_end],
        note: t.note,
        severity: t.severity,
        origin: t.origin,
        created_at: t.created_at,
        updated_at: t.updated_at,
        deleted_at: t.deleted_at,
      });
    }
    for (const v of verdicts) {
      counts.verdicts++;
      write({
        type: 'verdict',
        uuid: v.uuid,
        ...key(v),
        annotator: v.annotator,
        supports: v.supports,
        review_status: v.review_status,
        note: v.note,
        created_at: v.created_at,
        updated_at: v.updated_at,
        deleted_at: v.deleted_at,
      });
    }
    for (const v of adjVerdicts) {
      counts.adjudicatedVerdicts++;
      write({
        type: 'adjudicated_verdict',
        uuid: v.uuid,
        ...key(v),
        adjudicator: v.adjudicator,
        supports: v.supports,
        note: v.note,
        created_at: v.created_at,
        updated_at: v.updated_at,
        deleted_at: v.deleted_at,
      });
    }
    for (const j of adjudications) {
      counts.adjudications++;
      write({
        type: 'adjudication',
        uuid: j.uuid,
        tag: j.tag_uuid,
        adjudicator: j.adjudicator,
        decision: j.decision,
        result_tag: j.result_uuid ?? null,
        note: j.note,
        created_at: j.created_at,
      });
    }
    if (buf) fs.writeSync(fd, buf);
    fs.closeSync(fd);
    place(tmp, abs, replace);
  } catch (err) {
    try {
      fs.closeSync(fd);
    } catch {
      // already closed
    }
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  return { out: abs, annotators: chosen.map((a) => a.name), ...counts };
}

// ---------- import ----------

const zero = (): MergeCounts => ({ added: 0, updated: 0, deleted: 0, unchanged: 0, tombstones: 0 });

/** Merges a pack into the workspace in one transaction: all of its valid lines, or nothing if it fails part-way. */
export function importPack(db: Db, file: string, opts: { strict?: boolean } = {}): PackReport {
  const abs = path.resolve(file);
  const input = inputFileProblem(abs);
  if ('problem' in input) throw new CotscopeError(`${file}: ${input.problem}`, input.problem === 'no such file' ? 'not_found' : 'invalid');
  const sha = fileSha256Sync(abs);
  const bytes = input.size;
  const merger = new PackMerger(db, abs);
  return writeTransaction(db, () => merger.run(sha, bytes, opts.strict ?? false))();
}

class PackMerger {
  private readonly s;
  private readonly responses = new Map<string, { id: number; raw_length: number; step_count: number } | null>();
  private readonly annotatorIds = new Map<string, number>();
  private readonly labelIds = new Map<string, number>();
  private readonly skips = new SkipLog();
  private readonly unmatched = new Set<string>();
  private readonly report: Omit<PackReport, 'skipped' | 'unmatched'> = {
    file: '',
    version: PACK_VERSION,
    annotators: [],
    tags: zero(),
    verdicts: zero(),
    adjudications: zero(),
    labelsAdded: [],
    annotatorsAdded: [],
    conflicts: 0,
  };
  private kinds = new Map<string, 'human' | 'judge' | 'auto'>();

  constructor(
    private readonly db: Db,
    private readonly file: string,
  ) {
    this.report.file = file;
    this.s = {
      response: db.prepare(
        `SELECT x.id, length(x.raw) AS raw_length, x.step_count FROM responses x
           JOIN runs r ON r.id = x.run_id JOIN samples s ON s.id = x.sample_id
          WHERE r.name = ? AND s.level = ? AND s.sample_id = ? AND x.rollout = ?`,
      ),
      annotator: db.prepare('SELECT id FROM annotators WHERE name = ?').pluck(),
      insertAnnotator: db.prepare('INSERT INTO annotators (name, kind, created_at) VALUES (?, ?, ?)'),
      label: db.prepare('SELECT id FROM labels WHERE key = ?').pluck(),
      hotkeyTaken: db.prepare('SELECT 1 FROM labels WHERE hotkey = ? AND retired_at IS NULL').pluck(),
      nextOrder: db.prepare('SELECT COALESCE(MAX(sort_order) + 1, 0) FROM labels').pluck(),
      insertLabel: db.prepare(
        `INSERT INTO labels (key, name, description, color, hotkey, target, sort_order, retired_at, created_at, updated_at)
         VALUES (@key, @name, @description, @color, @hotkey, @target, @sort_order, @retired_at, @now, @now)`,
      ),
      tag: db.prepare('SELECT id, annotator_id, response_id, updated_at, deleted_at FROM tags WHERE uuid = ?'),
      insertTag: db.prepare(
        `INSERT INTO tags (uuid, response_id, label_id, annotator_id, step_start, step_end, char_start, char_end, time_start,
                           time_end, note, severity, origin, created_at, updated_at, deleted_at)
         VALUES (@uuid, @response_id, @label_id, @annotator_id, @step_start, @step_end, @char_start, @char_end, @time_start,
                 @time_end, @note, @severity, @origin, @created_at, @updated_at, @deleted_at)`,
      ),
      writeTag: db.prepare(
        `UPDATE tags SET label_id = @label_id, step_start = @step_start, step_end = @step_end, char_start = @char_start,
                         char_end = @char_end, time_start = @time_start, time_end = @time_end, note = @note,
                         severity = @severity, origin = @origin, updated_at = @updated_at, deleted_at = @deleted_at
          WHERE uuid = @uuid`,
      ),
      verdictByUuid: db.prepare('SELECT id, annotator_id, response_id, updated_at, deleted_at FROM verdicts WHERE uuid = ?'),
      verdictOf: db.prepare('SELECT id, uuid, updated_at, deleted_at FROM verdicts WHERE response_id = ? AND annotator_id = ?'),
      insertVerdict: db.prepare(
        `INSERT INTO verdicts (uuid, response_id, annotator_id, supports, review_status, note, created_at, updated_at, deleted_at)
         VALUES (@uuid, @response_id, @annotator_id, @supports, @review_status, @note, @created_at, @updated_at, @deleted_at)`,
      ),
      writeVerdict: db.prepare(
        `UPDATE verdicts SET supports = @supports, review_status = @review_status, note = @note, updated_at = @updated_at,
                             deleted_at = @deleted_at WHERE id = @id`,
      ),
      adjVerdictByUuid: db.prepare('SELECT id, adjudicator_id, response_id, updated_at, deleted_at FROM adjudicated_verdicts WHERE uuid = ?'),
      adjVerdictOf: db.prepare('SELECT id, updated_at, deleted_at FROM adjudicated_verdicts WHERE response_id = ? AND adjudicator_id = ?'),
      insertAdjVerdict: db.prepare(
        `INSERT INTO adjudicated_verdicts (uuid, response_id, adjudicator_id, supports, note, created_at, updated_at, deleted_at)
         VALUES (@uuid, @response_id, @adjudicator_id, @supports, @note, @created_at, @updated_at, @deleted_at)`,
      ),
      writeAdjVerdict: db.prepare(
        'UPDATE adjudicated_verdicts SET supports = @supports, note = @note, updated_at = @updated_at, deleted_at = @deleted_at WHERE id = @id',
      ),
      adjudication: db.prepare('SELECT id FROM adjudications WHERE uuid = ?').pluck(),
      tagId: db.prepare('SELECT id FROM tags WHERE uuid = ?').pluck(),
      insertAdjudication: db.prepare(
        `INSERT INTO adjudications (uuid, tag_id, adjudicator_id, decision, result_tag_id, note, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertImport: db.prepare(
        `INSERT INTO imports (kind, path, sha256, bytes, format, imported, skipped, imported_at)
         VALUES ('pack', ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertSkip: db.prepare('INSERT INTO import_skips (import_id, line, field, reason) VALUES (?, ?, ?, ?)'),
    };
  }

  run(sha: string, bytes: number, strict: boolean): PackReport {
    let sawHeader = false;
    for (const { line, text, invalidUtf8 } of readLines(this.file)) {
      if (invalidUtf8 !== undefined) {
        // The header says what the file is and brings the labels: a damaged one is no pack to merge.
        if (!sawHeader) throw new CotscopeError(`${this.file}:${line}: not a cotscope pack: its header has ${invalidUtf8Reason(invalidUtf8)}; nothing imported`);
        this.skip(line, null, invalidUtf8Reason(invalidUtf8));
        continue;
      }
      if (!text.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        if (!sawHeader) throw new CotscopeError(`${this.file}:${line}: not a cotscope pack (the first line is not JSON)`);
        this.skip(line, null, 'malformed JSON');
        continue;
      }
      if (!sawHeader) {
        this.header(line, value);
        sawHeader = true;
        continue;
      }
      const parsed = LineSchema.safeParse(value);
      if (!parsed.success) {
        const { field, message } = firstIssue(parsed.error);
        this.skip(line, field, message);
        continue;
      }
      this.merge(line, parsed.data);
    }
    if (!sawHeader) throw new CotscopeError(`${this.file}: empty file, not a cotscope pack`);
    if (strict && this.skips.count > 0) {
      throw new ImportRefused(`${this.file}: ${this.skips.count} line(s) would be skipped; nothing imported (--strict)`, 'strict', this.skips);
    }
    let imported = 0;
    for (const c of [this.report.tags, this.report.verdicts, this.report.adjudications]) imported += c.added + c.updated + c.deleted + c.tombstones;
    // The merge's own entry in the import log, written once with its counts: all a pack merged twice writes.
    const importId = Number(
      this.s.insertImport.run(this.file, sha, bytes, `${PACK_FORMAT}-v${PACK_VERSION}`, imported, this.skips.count, nowIso()).lastInsertRowid,
    );
    for (const s of this.skips.kept) this.s.insertSkip.run(importId, s.line, s.field, s.reason);
    return {
      ...this.report,
      unmatched: { count: this.unmatched.size, first: [...this.unmatched].slice(0, UNMATCHED_SHOWN) },
      skipped: { count: this.skips.count, lines: this.skips.kept },
    };
  }

  private skip(line: number, field: string | null, reason: string): void {
    this.skips.add({ file: this.file, line, field, reason: withField(field, reason) });
  }

  private header(line: number, value: unknown): void {
    const v = value as { format?: unknown; version?: unknown };
    if (!v || typeof v !== 'object' || v.format !== PACK_FORMAT) {
      throw new CotscopeError(`${this.file}:${line}: not a cotscope pack (the header's \`format\` is not "${PACK_FORMAT}")`);
    }
    if (typeof v.version === 'number' && v.version > PACK_VERSION) {
      throw new CotscopeError(
        `${this.file}:${line}: pack format version ${v.version} was written by a newer cotscope (this one reads up to ${PACK_VERSION}); nothing imported`,
      );
    }
    const parsed = HeaderSchema.safeParse(value);
    if (!parsed.success) throw new CotscopeError(`${this.file}:${line}: bad pack header: ${firstIssue(parsed.error).message}`);
    const h = parsed.data;
    this.report.version = h.version;
    this.report.annotators = h.annotators.map((a) => a.name);
    for (const a of h.annotators) this.kinds.set(a.name, a.kind);
    const now = nowIso();
    for (const l of h.labels) {
      if (this.s.label.get(l.key) !== undefined) continue; // this workspace's taxonomy is its own: never overwritten
      const hotkey = !l.retired && l.hotkey && this.s.hotkeyTaken.get(l.hotkey) === undefined ? l.hotkey : null;
      this.s.insertLabel.run({
        key: l.key,
        name: l.name,
        description: l.description,
        color: l.color,
        hotkey,
        target: l.target,
        sort_order: this.s.nextOrder.get() as number,
        retired_at: l.retired ? now : null,
        now,
      });
      this.report.labelsAdded.push(l.key);
    }
  }

  private response(l: { run: string; level: string; sample_id: string; rollout: number }) {
    const key = `${l.run} ${l.level} ${l.sample_id} #${l.rollout}`;
    let r = this.responses.get(key);
    if (r === undefined) {
      r = (this.s.response.get(l.run, l.level, l.sample_id, l.rollout) as { id: number; raw_length: number; step_count: number } | undefined) ?? null;
      this.responses.set(key, r);
    }
    if (!r) this.unmatched.add(key);
    return r;
  }

  private annotatorId(name: string): number {
    let id = this.annotatorIds.get(name);
    if (id === undefined) {
      id = this.s.annotator.get(name) as number | undefined;
      if (id === undefined) {
        id = Number(this.s.insertAnnotator.run(name, this.kinds.get(name) ?? 'human', nowIso()).lastInsertRowid);
        this.report.annotatorsAdded.push(name);
      }
      this.annotatorIds.set(name, id);
    }
    return id;
  }

  private labelId(key: string): number | undefined {
    let id = this.labelIds.get(key);
    if (id === undefined) {
      id = this.s.label.get(key) as number | undefined;
      if (id !== undefined) this.labelIds.set(key, id);
    }
    return id;
  }

  private merge(line: number, l: Line): void {
    if (l.type === 'adjudication') return this.mergeAdjudication(line, l);
    const response = this.response(l);
    if (!response) return; // reported once per response as unmatched
    if (l.type === 'tag') return this.mergeTag(line, l, response);
    if (l.type === 'verdict') return this.mergeVerdict(line, l, response.id);
    return this.mergeAdjudicatedVerdict(line, l, response.id);
  }

  /** Same UUID: the newer updated_at wins, and only within the same annotator and response. */
  private decide(
    counts: MergeCounts,
    existing: { annotator_id: number; response_id: number; updated_at: string; deleted_at: string | null },
    annotatorId: number,
    responseId: number,
    incoming: { updated_at: string; deleted_at: string | null },
    line: number,
    what: string,
  ): boolean {
    if (existing.annotator_id !== annotatorId || existing.response_id !== responseId) {
      this.report.conflicts++;
      this.skip(line, 'uuid', `${what} belongs to another annotator or response in this workspace; not merged`);
      return false;
    }
    if (incoming.updated_at <= existing.updated_at) {
      counts.unchanged++;
      return false;
    }
    if (incoming.deleted_at !== null && existing.deleted_at === null) counts.deleted++;
    else if (incoming.deleted_at !== null) counts.unchanged++;
    else counts.updated++;
    return true;
  }

  private mergeTag(line: number, l: z.infer<typeof TagLine>, response: { id: number; raw_length: number; step_count: number }): void {
    const labelId = this.labelId(l.label);
    if (labelId === undefined) return this.skip(line, 'label', `unknown label key "${l.label}" (not in the pack's header nor here)`);
    if (l.steps && (l.steps[1] < l.steps[0] || l.steps[1] >= response.step_count)) {
      return this.skip(line, 'steps', `steps ${l.steps[0]}–${l.steps[1]} do not exist here: the response has ${response.step_count} step(s)`);
    }
    if (l.span && (l.span[1] < l.span[0] || l.span[1] > response.raw_length)) {
      return this.skip(line, 'span', `characters ${l.span[0]}–${l.span[1]} lie outside the response here (${response.raw_length} characters)`);
    }
    if (l.time && l.time[1] < l.time[0]) return this.skip(line, 'time', 'out time is before in time');
    const annotatorId = this.annotatorId(l.annotator);
    const row = {
      uuid: l.uuid,
      response_id: response.id,
      label_id: labelId,
      annotator_id: annotatorId,
      step_start: l.steps?.[0] ?? null,
      step_end: l.steps?.[1] ?? null,
      char_start: l.span?.[0] ?? null,
      char_end: l.span?.[1] ?? null,
      time_start: l.time?.[0] ?? null,
      time_end: l.time?.[1] ?? null,
      note: l.note,
      severity: l.severity,
      // A suggestion is the automatic checks' own, made again by running them: one arriving in a pack (only a hand-made
      // one can hold it) is kept as an import.
      origin: l.origin === 'suggestion' ? 'import' : l.origin,
      created_at: l.created_at,
      updated_at: l.updated_at,
      deleted_at: l.deleted_at,
    };
    const existing = this.s.tag.get(l.uuid) as { annotator_id: number; response_id: number; updated_at: string; deleted_at: string | null } | undefined;
    if (!existing) {
      this.s.insertTag.run(row);
      if (l.deleted_at === null) this.report.tags.added++;
      else this.report.tags.tombstones++;
      return;
    }
    if (this.decide(this.report.tags, existing, annotatorId, response.id, l, line, `tag ${l.uuid}`)) this.s.writeTag.run(row);
  }

  private mergeVerdict(line: number, l: z.infer<typeof VerdictLine>, responseId: number): void {
    const annotatorId = this.annotatorId(l.annotator);
    const fields = { supports: l.supports, review_status: l.review_status, note: l.note, updated_at: l.updated_at, deleted_at: l.deleted_at };
    const byUuid = this.s.verdictByUuid.get(l.uuid) as
      | { id: number; annotator_id: number; response_id: number; updated_at: string; deleted_at: string | null }
      | undefined;
    // One verdict per annotator and response: the same annotator's verdict made here under another UUID is the one to
    // compare with (it keeps its UUID; the newer content wins).
    const existing =
      byUuid ??
      (() => {
        const v = this.s.verdictOf.get(responseId, annotatorId) as { id: number; updated_at: string; deleted_at: string | null } | undefined;
        return v ? { ...v, annotator_id: annotatorId, response_id: responseId } : undefined;
      })();
    if (!existing) {
      this.s.insertVerdict.run({ ...fields, uuid: l.uuid, response_id: responseId, annotator_id: annotatorId, created_at: l.created_at });
      if (l.deleted_at === null) this.report.verdicts.added++;
      else this.report.verdicts.tombstones++;
      return;
    }
    if (this.decide(this.report.verdicts, existing, annotatorId, responseId, l, line, `verdict ${l.uuid}`)) {
      this.s.writeVerdict.run({ ...fields, id: existing.id });
    }
  }

  private mergeAdjudicatedVerdict(line: number, l: z.infer<typeof AdjudicatedVerdictLine>, responseId: number): void {
    const adjudicatorId = this.annotatorId(l.adjudicator);
    const fields = { supports: l.supports, note: l.note, updated_at: l.updated_at, deleted_at: l.deleted_at };
    const byUuid = this.s.adjVerdictByUuid.get(l.uuid) as
      | { id: number; adjudicator_id: number; response_id: number; updated_at: string; deleted_at: string | null }
      | undefined;
    const existing = byUuid
      ? { ...byUuid, annotator_id: byUuid.adjudicator_id }
      : (() => {
          const v = this.s.adjVerdictOf.get(responseId, adjudicatorId) as { id: number; updated_at: string; deleted_at: string | null } | undefined;
          return v ? { ...v, annotator_id: adjudicatorId, response_id: responseId } : undefined;
        })();
    if (!existing) {
      this.s.insertAdjVerdict.run({ ...fields, uuid: l.uuid, response_id: responseId, adjudicator_id: adjudicatorId, created_at: l.created_at });
      if (l.deleted_at === null) this.report.adjudications.added++;
      else this.report.adjudications.tombstones++;
      return;
    }
    if (this.decide(this.report.adjudications, existing, adjudicatorId, responseId, l, line, `adjudicated verdict ${l.uuid}`)) {
      this.s.writeAdjVerdict.run({ ...fields, id: existing.id });
    }
  }

  /** Decisions are appended, never changed: a known UUID is the same decision. */
  private mergeAdjudication(line: number, l: z.infer<typeof AdjudicationLine>): void {
    if (this.s.adjudication.get(l.uuid) !== undefined) {
      this.report.adjudications.unchanged++;
      return;
    }
    const tagId = this.s.tagId.get(l.tag) as number | undefined;
    if (tagId === undefined) return this.skip(line, 'tag', `decision on tag ${l.tag}, which is not in this workspace nor earlier in the pack`);
    let resultId: number | null = null;
    if (l.result_tag !== null) {
      resultId = (this.s.tagId.get(l.result_tag) as number | undefined) ?? null;
      if (resultId === null) return this.skip(line, 'result_tag', `result tag ${l.result_tag} is not in this workspace nor earlier in the pack`);
    }
    this.s.insertAdjudication.run(l.uuid, tagId, this.annotatorId(l.adjudicator), l.decision, resultId, l.note, l.created_at);
    this.report.adjudications.added++;
  }
}
