// Turns the records of a run file into scored responses ready to insert: parse, validate the id and response
// fields, find the sample, score, split into steps. No database access, so it runs on a worker thread as well as
// inline (see run-parse-pool.ts); both give the same result.
import { fileCorrect, reasoningSpan, scoreResponse } from '../../shared/scoring.ts';
import { splitSteps } from '../../shared/steps.ts';
import type { Level, Options } from '../../shared/types.ts';
import { CotscopeError } from './errors.ts';
import { readRecords, type FileShape, type ReadProgress, type RecordText } from './records.ts';
import { encodeSteps } from './steps-column.ts';

export type RunFormat = 'infer-py' | 'grpo-care' | 'generic';

/** A benchmark sample as the parser needs it: [level, sample_id, database id, golden, A, B, C, D]. */
export type SampleEntry = [string, string, number, string | null, string | null, string | null, string | null, string | null];

export interface ParseConfig {
  file: string;
  /** The name to show in messages (the path as the user gave it). */
  displayName: string;
  shape: FileShape;
  idField: string;
  responseField: string | null;
  level: Level | null;
  samples: SampleEntry[];
}

export interface ParsedResponse {
  line: number;
  sampleDbId: number;
  raw: string;
  thinkStart: number | null;
  thinkEnd: number | null;
  answer: string | null;
  prediction: string | null;
  correct: boolean;
  formatOk: boolean;
  reward: number | null;
  fileCorrect: boolean | null;
  disagree: boolean;
  steps: string;
  stepCount: number;
}

export interface ParsedSkip {
  line: number;
  field: string | null;
  reason: string;
}

export interface ParsedBatch {
  rows: ParsedResponse[];
  skips: ParsedSkip[];
  records: number;
  progress: ReadProgress | null;
  /** Known once the first record has been read. */
  format: RunFormat | null;
}

const DEFAULT_RESPONSE_FIELDS = ['response', 'output'];

interface SampleInfo {
  id: number;
  golden: string | null;
  options: Options;
}

export class RunRecordParser {
  format: RunFormat | null = null;
  private responseField: string | null;
  private readonly byKey = new Map<string, SampleInfo>();
  private readonly byId = new Map<string, { level: string; info: SampleInfo }[]>();

  constructor(private readonly config: ParseConfig) {
    this.responseField = config.responseField;
    for (const [level, sid, id, golden, A, B, C, D] of config.samples) {
      const info: SampleInfo = { id, golden, options: { A, B, C, D } };
      this.byKey.set(key(level, sid), info);
      const list = this.byId.get(sid);
      if (list) list.push({ level, info });
      else this.byId.set(sid, [{ level, info }]);
    }
  }

  parse(batch: RecordText[], rows: ParsedResponse[], skips: ParsedSkip[]): void {
    const { idField, level, displayName } = this.config;
    for (const { line, text } of batch) {
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
      rows.push({
        line,
        sampleDbId: sample.id,
        raw,
        thinkStart: scored.thinkStart,
        thinkEnd: scored.thinkEnd,
        answer: scored.answer,
        prediction: scored.prediction,
        correct,
        formatOk: scored.formatOk,
        reward,
        fileCorrect: fileSays,
        disagree: fileSays !== null && fileSays !== correct,
        steps: encodeSteps(steps),
        stepCount: steps.length,
      });
    }
  }
}

/** Reads and parses a whole run file, batch by batch. */
export async function* parseRunFile(config: ParseConfig, signal?: AbortSignal): AsyncGenerator<ParsedBatch> {
  const parser = new RunRecordParser(config);
  let progress: ReadProgress | null = null;
  for await (const batch of readRecords(config.file, { signal, onProgress: (p) => (progress = p) })) {
    const rows: ParsedResponse[] = [];
    const skips: ParsedSkip[] = [];
    parser.parse(batch, rows, skips);
    yield { rows, skips, records: batch.length, progress, format: parser.format };
  }
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
