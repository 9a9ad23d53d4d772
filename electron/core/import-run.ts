// Imports a model's outputs (a "run") from SEED-Bench-R1 infer.py JSONL, GRPO-CARE / Video-R1 JSON, or any JSONL/JSON
// with named id and response fields. Streaming, all-or-nothing: the whole file goes in one transaction.
import fs from 'node:fs';
import path from 'node:path';
import { fileCorrect, reasoningSpan, scoreResponse } from '../../shared/scoring.ts';
import { splitSteps } from '../../shared/steps.ts';
import { levelFromFileName, type Level, type Method, type Options } from '../../shared/types.ts';
import { CotscopeError } from './errors.ts';
import { SkipLog, type ImportProgress } from './import-report.ts';
import { readRecords, sniffShape } from './records.ts';
import { encodeSteps } from './steps-column.ts';
import { nowIso, type Store } from './store.ts';
import { fileSha256, inTransaction } from './util.ts';

export interface ImportRunOptions {
  name: string;
  method: Method;
  level?: Level;
  idField?: string;
  responseField?: string;
  strict?: boolean;
  onProgress?: (p: ImportProgress) => void;
  signal?: AbortSignal;
}

export type RunFormat = 'infer-py' | 'grpo-care' | 'generic';

export interface ImportRunResult {
  run: string;
  runCreated: boolean;
  file: string;
  format: RunFormat;
  level: Level | null;
  imported: number;
  skipped: SkipLog;
  /** Responses whose scoring by cotscope differs from the file's own reward/correct. */
  scoreDisagreements: number;
}

interface SampleInfo {
  id: number;
  golden: string | null;
  options: Options;
}

const DEFAULT_RESPONSE_FIELDS = ['response', 'output'];

export async function importRun(store: Store, file: string, opts: ImportRunOptions): Promise<ImportRunResult> {
  const { db } = store;
  const abs = path.resolve(file);
  if (!fs.existsSync(abs) || !fs.statSync(abs).isFile()) throw new CotscopeError(`${file}: no such file`);
  if (!opts.name.trim()) throw new CotscopeError('--name must not be empty');

  const existingRun = db.prepare('SELECT id, method FROM runs WHERE name = ?').get(opts.name) as
    | { id: number; method: string }
    | undefined;
  if (existingRun && existingRun.method !== opts.method) {
    throw new CotscopeError(
      `run "${opts.name}" already exists with method ${existingRun.method}; import with --method ${existingRun.method} ` +
        'to add to it, or choose another --name',
    );
  }
  const sha256 = await fileSha256(abs);
  if (existingRun) {
    const dup = db
      .prepare("SELECT path, imported_at FROM imports WHERE kind = 'run' AND run_id = ? AND sha256 = ?")
      .get(existingRun.id, sha256) as { path: string; imported_at: string } | undefined;
    if (dup) {
      throw new CotscopeError(
        `${file}: this file (sha256 ${sha256.slice(0, 12)}…) was already imported into run "${opts.name}" ` +
          `from ${dup.path} at ${dup.imported_at}; nothing imported`,
        'duplicate',
      );
    }
  }

  const fileLevel = opts.level ?? levelFromFileName(path.basename(abs));
  const samples = loadSamples(store);
  const shape = sniffShape(abs);
  const idField = opts.idField ?? 'sample_id';
  const now = nowIso();

  const insertRun = db.prepare('INSERT INTO runs (name, method, created_at) VALUES (?, ?, ?)');
  const insertImport = db.prepare(`
    INSERT INTO imports (kind, run_id, path, sha256, bytes, format, level, options, imported_at)
    VALUES ('run', ?, ?, ?, ?, ?, ?, ?, ?)`);
  const finishImport = db.prepare('UPDATE imports SET format = ?, imported = ?, skipped = ? WHERE id = ?');
  const insertSkip = db.prepare('INSERT INTO import_skips (import_id, line, field, reason) VALUES (?, ?, ?, ?)');
  const insertResponse = db.prepare(`
    INSERT INTO responses (run_id, sample_id, import_id, source_line, rollout, raw, think_start, think_end, answer_text,
      prediction, correct, format_ok, file_reward, file_correct, score_disagreement, steps, step_count)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertFts = db.prepare('INSERT INTO responses_fts (rowid, raw) VALUES (?, ?)');

  const skipped = new SkipLog();
  let imported = 0;
  let disagreements = 0;
  let format: RunFormat | null = null;
  let responseField = opts.responseField ?? null;
  let records = 0;
  let runCreated = false;

  const work = async () => {
    let runId: number;
    if (existingRun) runId = existingRun.id;
    else {
      runId = Number(insertRun.run(opts.name, opts.method, now).lastInsertRowid);
      runCreated = true;
    }
    const importId = Number(
      insertImport.run(runId, abs, sha256, fs.statSync(abs).size, 'generic', fileLevel,
        JSON.stringify({ level: opts.level ?? null, idField, responseField: opts.responseField ?? null }), now)
        .lastInsertRowid,
    );
    const nextRollout = loadRollouts(store, runId);
    const skip = (line: number, field: string | null, reason: string) => {
      skipped.add({ file, line, field, reason });
      insertSkip.run(importId, line, field, reason);
    };

    const reader = readRecords(abs, {
      signal: opts.signal,
      onProgress: (p) => opts.onProgress?.({ file, ...p, records }),
    });
    for await (const batch of reader) {
      for (const { line, text } of batch) {
        records++;
        let rec: Record<string, unknown>;
        try {
          const v = JSON.parse(text);
          if (typeof v !== 'object' || v === null || Array.isArray(v)) {
            skip(line, null, 'not a JSON object');
            continue;
          }
          rec = v;
        } catch (err) {
          skip(line, null, `malformed JSON: ${(err as Error).message}`);
          continue;
        }
        if (format === null) {
          format = detectFormat(rec, shape);
          if (responseField === null) responseField = DEFAULT_RESPONSE_FIELDS.find((f) => f in rec) ?? null;
          if (responseField === null) {
            throw new CotscopeError(
              `${file}, line ${line}: no \`response\` or \`output\` field; name the field holding the model's text ` +
                `with --response-field (fields here: ${Object.keys(rec).slice(0, 12).join(', ')})`,
            );
          }
        }
        const rawId = rec[idField];
        if (rawId === undefined || rawId === null || rawId === '') {
          skip(line, idField, `missing field \`${idField}\``);
          continue;
        }
        if (typeof rawId !== 'string' && typeof rawId !== 'number') {
          skip(line, idField, `field \`${idField}\`: expected a string or number, got ${typeName(rawId)}`);
          continue;
        }
        const raw = rec[responseField!];
        if (raw === undefined || raw === null) {
          skip(line, responseField, `missing field \`${responseField}\``);
          continue;
        }
        if (typeof raw !== 'string') {
          skip(line, responseField, `field \`${responseField}\`: expected a string, got ${typeName(raw)}`);
          continue;
        }
        const sid = String(rawId);
        let sample: SampleInfo | undefined;
        if (fileLevel !== null) {
          sample = samples.byKey.get(key(fileLevel, sid));
          if (!sample) {
            skip(line, idField, `unknown sample id ${sid} in ${fileLevel}`);
            continue;
          }
        } else {
          const found = samples.byId.get(sid);
          if (!found) {
            skip(line, idField, `unknown sample id ${sid}`);
            continue;
          }
          if (found.length > 1) {
            skip(line, idField, `sample id ${sid} matches samples in ${found.map((f) => f.level).join(', ')}; pass --level`);
            continue;
          }
          sample = found[0].info;
        }
        const reward = numberOrNull(rec.reward);
        const ownCorrect = typeof rec.correct === 'boolean' ? rec.correct : null;
        const scored = scoreResponse(raw, sample.options);
        const correct = scored.prediction !== null && scored.prediction === sample.golden;
        const fileSays = fileCorrect(reward, ownCorrect);
        const disagree = fileSays !== null && fileSays !== correct;
        if (disagree) disagreements++;
        const [from, to] = reasoningSpan(raw, scored);
        const steps = splitSteps(raw, from, to);
        const rollout = nextRollout.get(sample.id) ?? 0;
        nextRollout.set(sample.id, rollout + 1);
        const responseId = Number(
          insertResponse.run(runId, sample.id, importId, line, rollout, raw, scored.thinkStart, scored.thinkEnd,
            scored.answer, scored.prediction, correct ? 1 : 0, scored.formatOk ? 1 : 0, reward,
            fileSays === null ? null : fileSays ? 1 : 0, disagree ? 1 : 0, encodeSteps(steps), steps.length).lastInsertRowid,
        );
        insertFts.run(responseId, raw);
        imported++;
      }
    }
    if (opts.strict && skipped.count > 0) {
      throw new CotscopeError(
        `${file}: ${skipped.count} line(s) would be skipped; nothing imported (--strict)`,
        'strict',
      );
    }
    if (imported === 0) {
      throw new CotscopeError(
        skipped.count > 0
          ? `${file}: no valid responses (${skipped.count} line(s) skipped); nothing imported`
          : `${file}: no records found; nothing imported`,
        'empty',
      );
    }
    finishImport.run(format ?? 'generic', imported, skipped.count, importId);
  };

  try {
    await inTransaction(db, work);
  } catch (err) {
    if (err instanceof CotscopeError && (err.code === 'strict' || err.code === 'empty')) {
      throw new ImportRefused(err.message, err.code, skipped);
    }
    throw err;
  }
  return {
    run: opts.name,
    runCreated,
    file,
    format: format ?? 'generic',
    level: fileLevel,
    imported,
    skipped,
    scoreDisagreements: disagreements,
  };
}

/** An import that was refused as a whole; it carries the skipped lines so the user sees why. */
export class ImportRefused extends CotscopeError {
  constructor(
    message: string,
    code: string,
    readonly skipped: SkipLog,
  ) {
    super(message, code);
  }
}

function detectFormat(rec: Record<string, unknown>, shape: string): RunFormat {
  if (shape === 'jsonl' && 'response' in rec && 'reward' in rec && ('prompt' in rec || 'solution' in rec)) return 'infer-py';
  if ('output' in rec && ('correct' in rec || 'prediction' in rec || 'process' in rec)) return 'grpo-care';
  return 'generic';
}

function key(level: string, sid: string): string {
  return `${level}\u0000${sid}`;
}

function loadSamples(store: Store) {
  const byKey = new Map<string, SampleInfo>();
  const byId = new Map<string, { level: string; info: SampleInfo }[]>();
  const rows = store.db
    .prepare('SELECT id, level, sample_id, golden, choice_a, choice_b, choice_c, choice_d FROM samples')
    .iterate() as IterableIterator<{
    id: number;
    level: string;
    sample_id: string;
    golden: string | null;
    choice_a: string | null;
    choice_b: string | null;
    choice_c: string | null;
    choice_d: string | null;
  }>;
  for (const r of rows) {
    const info: SampleInfo = {
      id: r.id,
      golden: r.golden,
      options: { A: r.choice_a, B: r.choice_b, C: r.choice_c, D: r.choice_d },
    };
    byKey.set(key(r.level, r.sample_id), info);
    const list = byId.get(r.sample_id);
    if (list) list.push({ level: r.level, info });
    else byId.set(r.sample_id, [{ level: r.level, info }]);
  }
  return { byKey, byId };
}

/** Next rollout number per sample for a run built from several files. */
function loadRollouts(store: Store, runId: number): Map<number, number> {
  const next = new Map<number, number>();
  const rows = store.db
    .prepare('SELECT sample_id, MAX(rollout) AS top FROM responses WHERE run_id = ? GROUP BY sample_id')
    .all(runId) as { sample_id: number; top: number }[];
  for (const r of rows) next.set(r.sample_id, r.top + 1);
  return next;
}

function numberOrNull(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

function typeName(v: unknown): string {
  return Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v;
}
