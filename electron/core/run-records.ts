// Turns the records of a run file into scored responses ready to insert: parse, validate the id and response
// fields, find the sample, score, split into steps. No database access, so it runs on a worker thread as well as
// inline (see run-parse-pool.ts); both give the same result.
import crypto from 'node:crypto';
import { fileCorrect, reasoningSpan, scoreResponse } from '../../shared/scoring.ts';
import { splitSteps } from '../../shared/steps.ts';
import type { Level, Options } from '../../shared/types.ts';
import { checkInput, sampleContext, type SampleContext } from './check-input.ts';
import { runChecks } from './checks/registry.ts';
import type { Suggestion } from './checks/types.ts';
import { CotscopeError } from './errors.ts';
import { invalidUtf8Reason } from './import-report.ts';
import { readRecords, type FileShape, type ReadProgress, type RecordText } from './records.ts';
import { encodeSteps } from './steps-column.ts';

export type RunFormat = 'infer-py' | 'grpo-care' | 'generic';

/**
 * A benchmark sample as the parser needs it: [level, sample_id, database id, golden, A, B, C, D], then what the checks
 * read (question, task goal, task_progress JSON, current observation frame) when the import runs them.
 */
export type SampleEntry = [
  string, string, number, string | null, string | null, string | null, string | null, string | null,
  (string | null)?, (string | null)?, (string | null)?, (number | null)?,
];

export interface ParseConfig {
  file: string;
  /** The name to show in messages (the path as the user gave it). */
  displayName: string;
  shape: FileShape;
  idField: string;
  responseField: string | null;
  level: Level | null;
  samples: SampleEntry[];
  /** Hash the file's bytes while reading them: the last batch then carries the sha256. */
  hash?: boolean;
  /** The checks to run on each response (checks/registry.ts names); none when empty or absent. */
  checks?: readonly string[];
}

/**
 * A batch's parsed responses, column by column. Batches cross from the parsing worker to the importer, and hundreds
 * of objects of 14 fields cost more to copy between threads (structured clone on both sides) than the parsing itself;
 * as a few arrays of strings plus the numbers in two typed arrays (transferred, not copied) they cost a fifth.
 */
export interface ParsedRows {
  count: number;
  raw: string[];
  /** Content of the first <answer>…</answer>, untrimmed; null when none. */
  answer: (string | null)[];
  /** The steps column (steps-column.ts). */
  steps: string[];
  /** ROW_INTS numbers per row, at [ROW_INTS * i + field] (the Int fields below). */
  ints: Int32Array;
  /** The file's own reward; NaN when it has none. */
  reward: Float64Array;
  /** The checks' suggestions on each row (null: none), when the config asked for checks. */
  suggestions: (Suggestion[] | null)[];
}

export const ROW_INTS = 6;
/** Fields of ParsedRows.ints. */
export const Int = { line: 0, sampleDbId: 1, thinkStart: 2, thinkEnd: 3, stepCount: 4, outcome: 5 } as const;
/** thinkStart/thinkEnd when the response has no think block. */
export const NO_THINK = -1;
/** Bits of the outcome field; bits 8 and up hold the predicted letter as 1-4 (A-D), 0 for none. */
export const Outcome = { correct: 1, formatOk: 2, disagree: 4, fileCorrectKnown: 8, fileCorrect: 16 } as const;
const PREDICTION_SHIFT = 8;
const LETTERS = ['A', 'B', 'C', 'D'];

export function predictionOf(outcome: number): string | null {
  return LETTERS[(outcome >> PREDICTION_SHIFT) - 1] ?? null;
}

/** Room for `capacity` rows; fill with add(), then pass on. */
export function newRows(capacity: number): ParsedRows {
  return { count: 0, raw: [], answer: [], steps: [], ints: new Int32Array(capacity * ROW_INTS), reward: new Float64Array(capacity), suggestions: [] };
}

/** The typed arrays' buffers, to transfer a batch to another thread instead of copying it. */
export function transferList(rows: ParsedRows): ArrayBuffer[] {
  return [rows.ints.buffer as ArrayBuffer, rows.reward.buffer as ArrayBuffer];
}

export interface ParsedSkip {
  line: number;
  field: string | null;
  reason: string;
}

export interface ParsedBatch {
  rows: ParsedRows;
  skips: ParsedSkip[];
  records: number;
  progress: ReadProgress | null;
  /** Known once the first record has been read. */
  format: RunFormat | null;
  /** The file's sha256 (hex), on the last batch when the config asked for it. */
  sha256?: string;
}

const DEFAULT_RESPONSE_FIELDS = ['response', 'output'];

interface SampleInfo {
  id: number;
  golden: string | null;
  options: Options;
  entry: SampleEntry;
  /** Built on the first response to it, when checks run. */
  context?: SampleContext;
}

export class RunRecordParser {
  format: RunFormat | null = null;
  private responseField: string | null;
  private readonly byKey = new Map<string, SampleInfo>();
  private readonly byId = new Map<string, { level: string; info: SampleInfo }[]>();

  constructor(private readonly config: ParseConfig) {
    this.responseField = config.responseField;
    for (const entry of config.samples) {
      const [level, sid, id, golden, A, B, C, D] = entry;
      const info: SampleInfo = { id, golden, options: { A, B, C, D }, entry };
      this.byKey.set(key(level, sid), info);
      const list = this.byId.get(sid);
      if (list) list.push({ level, info });
      else this.byId.set(sid, [{ level, info }]);
    }
  }

  parse(batch: RecordText[], rows: ParsedRows, skips: ParsedSkip[]): void {
    const { idField, level, displayName } = this.config;
    const checks = this.config.checks ?? [];
    for (const { line, text, invalidUtf8 } of batch) {
      if (invalidUtf8 !== undefined) {
        skips.push({ line, field: null, reason: invalidUtf8Reason(invalidUtf8) });
        continue;
      }
      let rec: Record<string, unknown>;
      try {
        const v = JSON.parse(text);
        if (typeof v !== 'object' || v === null || Array.isArray(v)) {
          skips.push({ line, field: null, reason: 'not a JSON object' });
          continue;
        }
        rec = v;
      } catch (err) {
        skips.push({ line, field: null, reason: `malformed JSON: ${(err as Error).message}` });
        continue;
      }
      if (this.format === null) {
        this.format = detectFormat(rec, this.config.shape);
        this.responseField ??= DEFAULT_RESPONSE_FIELDS.find((f) => f in rec) ?? null;
        if (this.responseField === null) {
          throw new CotscopeError(
            `${displayName}, line ${line}: no \`response\` or \`output\` field; name the field holding the model's text ` +
              `with --response-field (fields here: ${Object.keys(rec).slice(0, 12).join(', ')})`,
          );
        }
      }
      const responseField = this.responseField!;
      // Only the three fields cotscope uses are checked, by hand: this runs once per response on the import's hot
      // path, where a schema library's generic walk over records of 20+ fields costs more than the rest together.
      const rawId = rec[idField];
      if (rawId === undefined || rawId === null || rawId === '') {
        skips.push({ line, field: idField, reason: `missing field \`${idField}\`` });
        continue;
      }
      if (typeof rawId !== 'string' && typeof rawId !== 'number') {
        skips.push({ line, field: idField, reason: `field \`${idField}\`: expected a string or number, got ${typeName(rawId)}` });
        continue;
      }
      const raw = rec[responseField];
      if (raw === undefined || raw === null) {
        skips.push({ line, field: responseField, reason: `missing field \`${responseField}\`` });
        continue;
      }
      if (typeof raw !== 'string') {
        skips.push({ line, field: responseField, reason: `field \`${responseField}\`: expected a string, got ${typeName(raw)}` });
        continue;
      }
      const sid = String(rawId);
      let sample: SampleInfo | undefined;
      if (level !== null) {
        sample = this.byKey.get(key(level, sid));
        if (!sample) {
          skips.push({ line, field: idField, reason: `unknown sample id ${sid} in ${level}` });
          continue;
        }
      } else {
        const found = this.byId.get(sid);
        if (!found) {
          skips.push({ line, field: idField, reason: `unknown sample id ${sid}` });
          continue;
        }
        if (found.length > 1) {
          skips.push({ line, field: idField, reason: `sample id ${sid} matches samples in ${found.map((f) => f.level).join(', ')}; pass --level` });
          continue;
        }
        sample = found[0].info;
      }
      const reward = numberOrNull(rec.reward);
      const scored = scoreResponse(raw, sample.options);
      const correct = scored.prediction !== null && scored.prediction === sample.golden;
      const fileSays = fileCorrect(reward, typeof rec.correct === 'boolean' ? rec.correct : null);
      const [from, to] = reasoningSpan(raw, scored);
      const steps = splitSteps(raw, from, to);
      const i = rows.count++;
      if (checks.length) {
        sample.context ??= contextOf(sample);
        const found = runChecks(checkInput(sample.context, { raw, think_start: scored.thinkStart, think_end: scored.thinkEnd, answer_text: scored.answer, prediction: scored.prediction, steps }), checks);
        rows.suggestions[i] = found.length ? found : null;
      }
      rows.raw.push(raw);
      rows.answer.push(scored.answer);
      rows.steps.push(encodeSteps(steps));
      rows.reward[i] = reward ?? NaN;
      const o = i * ROW_INTS;
      rows.ints[o + Int.line] = line;
      rows.ints[o + Int.sampleDbId] = sample.id;
      rows.ints[o + Int.thinkStart] = scored.thinkStart ?? NO_THINK;
      rows.ints[o + Int.thinkEnd] = scored.thinkEnd ?? NO_THINK;
      rows.ints[o + Int.stepCount] = steps.length;
      rows.ints[o + Int.outcome] =
        (correct ? Outcome.correct : 0) |
        (scored.formatOk ? Outcome.formatOk : 0) |
        (fileSays !== null && fileSays !== correct ? Outcome.disagree : 0) |
        (fileSays !== null ? Outcome.fileCorrectKnown : 0) |
        (fileSays ? Outcome.fileCorrect : 0) |
        ((scored.prediction === null ? 0 : LETTERS.indexOf(scored.prediction) + 1) << PREDICTION_SHIFT);
    }
  }
}

function contextOf(sample: SampleInfo): SampleContext {
  const [, , , golden, A, B, C, D, question, goal, progress, frame] = sample.entry;
  return sampleContext({
    question: question ?? null, choice_a: A, choice_b: B, choice_c: C, choice_d: D, golden, task_goal: goal ?? null,
    task_progress: progress ?? null, current_observation_frame: frame ?? null,
  });
}

/** Reads and parses a whole run file, batch by batch. */
export async function* parseRunFile(config: ParseConfig, signal?: AbortSignal): AsyncGenerator<ParsedBatch> {
  const parser = new RunRecordParser(config);
  let progress: ReadProgress | null = null;
  // Hashing the bytes as they are parsed spares the importer a pass over the whole file before it starts.
  const hash = config.hash ? crypto.createHash('sha256') : null;
  const onBytes = hash ? (chunk: Buffer) => hash.update(chunk) : undefined;
  for await (const batch of readRecords(config.file, { signal, onProgress: (p) => (progress = p), onBytes })) {
    const rows = newRows(batch.length);
    const skips: ParsedSkip[] = [];
    parser.parse(batch, rows, skips);
    yield { rows, skips, records: batch.length, progress, format: parser.format };
  }
  if (hash) yield { rows: newRows(0), skips: [], records: 0, progress, format: parser.format, sha256: hash.digest('hex') };
}

function detectFormat(rec: Record<string, unknown>, shape: FileShape): RunFormat {
  if (shape === 'jsonl' && 'response' in rec && 'reward' in rec && ('prompt' in rec || 'solution' in rec)) return 'infer-py';
  if ('output' in rec && ('correct' in rec || 'prediction' in rec || 'process' in rec)) return 'grpo-care';
  return 'generic';
}

function key(level: string, sid: string): string {
  return `${level}\u0000${sid}`;
}

function numberOrNull(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

function typeName(v: unknown): string {
  return Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v;
}
