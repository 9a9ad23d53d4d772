// Exports responses as JSONL: one line per response with its scoring, steps, tags and verdicts.
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import type { Store } from './store.ts';
import { CotscopeError } from './errors.ts';
import { decodeSteps } from './steps-column.ts';
import { LiveAnnotations } from './annotations.ts';

export interface ExportedTag {
  uuid: string;
  label: string;
  annotator: string;
  steps: [number, number] | null;
  span: [number, number] | null;
  time: [number, number] | null;
  note: string | null;
  severity: string | null;
  origin: string;
  created_at: string;
  updated_at: string;
}

export interface ExportedVerdict {
  uuid: string;
  annotator: string;
  supports: string | null;
  review_status: string;
  note: string | null;
  updated_at: string;
}

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
  steps: { index: number; start: number; end: number; text: string }[];
  tags: ExportedTag[];
  verdicts: ExportedVerdict[];
}

interface ResponseRow {
  id: number;
  sample_id: string;
  level: string;
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

export interface ExportResult {
  out: string;
  responses: number;
}

/** Reads responses with everything attached, in run, level and sample order. */
export function* iterateResponses(store: Store): Generator<ExportedResponse> {
  const { db } = store;
  const rows = db
    .prepare(
      `SELECT x.id, s.sample_id, s.level, r.name AS run, r.method, x.rollout, x.prediction, s.golden, x.correct,
              x.format_ok, x.file_reward, x.file_correct, x.score_disagreement, s.task_goal, s.question,
              s.choice_a, s.choice_b, s.choice_c, s.choice_d, x.raw, x.think_start, x.think_end, x.answer_text,
              x.steps
         FROM responses x JOIN runs r ON r.id = x.run_id JOIN samples s ON s.id = x.sample_id
        ORDER BY x.run_id, x.sample_id, x.rollout`,
    )
    .iterate() as IterableIterator<ResponseRow>;
  const live = new LiveAnnotations(db);
  // Reading while iterating needs a second statement per row; better-sqlite3 allows it on one connection.
  for (const r of rows) {
    const steps = decodeSteps(r.steps).map((s) => ({
      index: s.index,
      start: s.start,
      end: s.end,
      text: r.raw.slice(s.start, s.end),
    }));
    // The API's Tag and Verdict, written with the file format's snake_case names.
    const tags = live.tags(r.id).map(
      (t): ExportedTag => ({
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
      }),
    );
    const verdicts = live.verdicts(r.id).map(
      ({ verdict: v }): ExportedVerdict => ({
        uuid: v.uuid,
        annotator: v.annotator,
        supports: v.supports,
        review_status: v.reviewStatus,
        note: v.note,
        updated_at: v.updatedAt,
      }),
    );
    yield {
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
      steps,
      tags,
      verdicts,
    };
  }
}

/** Writes the JSONL to a temporary file beside `out` and renames it into place, so a failed export leaves no half file. */
export async function exportJsonl(store: Store, out: string): Promise<ExportResult> {
  const abs = path.resolve(out);
  if (!fs.existsSync(path.dirname(abs))) throw new CotscopeError(`--out ${out}: directory ${path.dirname(abs)} does not exist`);
  const tmp = `${abs}.partial-${process.pid}`;
  const stream = fs.createWriteStream(tmp);
  let n = 0;
  try {
    let buf = '';
    for (const rec of iterateResponses(store)) {
      buf += JSON.stringify(rec) + '\n';
      n++;
      if (buf.length > 1 << 20) {
        if (!stream.write(buf)) await once(stream, 'drain');
        buf = '';
      }
    }
    if (buf) stream.write(buf);
    stream.end();
    await once(stream, 'finish');
    fs.renameSync(tmp, abs);
  } catch (err) {
    stream.destroy();
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  return { out: abs, responses: n };
}
