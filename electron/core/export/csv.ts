// CSV: one row per tag, the response's columns repeated on each of its tags' rows; a response without tags still has
// one row (its tag columns empty), so a filter's responses are all there. RFC 4180 quoting: fields with commas,
// quotes, CR or LF are quoted, quotes doubled; chains of thought have all of them (`</think>\n<answer>`). Booleans are
// `true`/`false`, missing values empty. A `#` header line is not CSV, so the filter and version go to the sidecar.
import { stringify } from 'csv-stringify/sync';
import type { FormatContext, FormatWriter } from './format.ts';
import { TextSink } from './output.ts';
import { judgment, tagText, type ExportedResponse, type ExportedTag, type Walked } from './records.ts';

export const CSV_COLUMNS = [
  'run', 'method', 'level', 'sample_id', 'rollout', 'domain', 'task_goal', 'question',
  'option_a', 'option_b', 'option_c', 'option_d', 'golden', 'prediction', 'correct', 'format_ok',
  'file_reward', 'file_correct', 'score_disagreement', 'step_count', 'supports', 'verdicts', 'adjudicated',
  'tag_uuid', 'tag_label', 'tag_annotator', 'tag_step_start', 'tag_step_end', 'tag_span_start', 'tag_span_end',
  'tag_text', 'tag_time_start', 'tag_time_end', 'tag_note', 'tag_severity', 'tag_origin', 'tag_created_at',
  'tag_updated_at', 'response', 'think', 'answer_raw',
] as const;

type Cell = string | number | boolean | null;

const CSV_OPTIONS = {
  // RFC 4180: CRLF between records.
  record_delimiter: 'windows',
  // With a record delimiter set, csv-stringify quotes only fields holding that delimiter (CRLF) unless told
  // otherwise: a bare LF went out unquoted, and Python's csv and pandas split the row there.
  quote_record_delimiter: true,
} as const;

function row(w: Walked, tag: ExportedTag | null): Cell[] {
  const r: ExportedResponse = w.record;
  const v = judgment(r);
  const values: Record<(typeof CSV_COLUMNS)[number], Cell> = {
    run: r.run,
    method: r.method,
    level: r.level,
    sample_id: r.sample_id,
    rollout: r.rollout,
    domain: w.domain,
    task_goal: r.task_goal,
    question: r.question,
    option_a: r.options.A,
    option_b: r.options.B,
    option_c: r.options.C,
    option_d: r.options.D,
    golden: r.golden,
    prediction: r.prediction,
    correct: r.correct,
    format_ok: r.format_ok,
    file_reward: r.file_reward,
    file_correct: r.file_correct,
    score_disagreement: r.score_disagreement,
    step_count: r.steps.length,
    supports: v,
    // Every annotator's verdict in one cell, as "name=yes; other=no" (a name never holds "=" or ";" in practice,
    // and the full records are in the JSONL and Parquet exports).
    verdicts: r.verdicts.map((x) => `${x.annotator}=${x.supports ?? 'none'}/${x.review_status}`).join('; ') || null,
    // Adjudicators' verdicts, as "name=yes"; when there is one, `supports` is theirs.
    adjudicated: r.adjudicated_verdicts.map((x) => `${x.adjudicator}=${x.supports ?? 'none'}`).join('; ') || null,
    tag_uuid: tag?.uuid ?? null,
    tag_label: tag?.label ?? null,
    tag_annotator: tag?.annotator ?? null,
    tag_step_start: tag?.steps?.[0] ?? null,
    tag_step_end: tag?.steps?.[1] ?? null,
    tag_span_start: tag?.span?.[0] ?? null,
    tag_span_end: tag?.span?.[1] ?? null,
    tag_text: tag ? tagText(r, tag) : null,
    tag_time_start: tag?.time?.[0] ?? null,
    tag_time_end: tag?.time?.[1] ?? null,
    tag_note: tag?.note ?? null,
    tag_severity: tag?.severity ?? null,
    tag_origin: tag?.origin ?? null,
    tag_created_at: tag?.created_at ?? null,
    tag_updated_at: tag?.updated_at ?? null,
    response: r.response,
    think: r.think,
    answer_raw: r.answer_raw,
  };
  return CSV_COLUMNS.map((c) => values[c]);
}

export function csvWriter(ctx: FormatContext): FormatWriter {
  const sink = new TextSink(ctx.tmp);
  let rows = 0;
  let header = true;
  return {
    async write(batch) {
      const records: Cell[][] = [];
      for (const w of batch) {
        if (w.record.tags.length === 0) records.push(row(w, null));
        else for (const t of w.record.tags) records.push(row(w, t));
      }
      rows += records.length;
      const text = stringify(records, {
        header,
        columns: CSV_COLUMNS as unknown as string[],
        ...CSV_OPTIONS,
        cast: { boolean: (b) => (b ? 'true' : 'false') },
      });
      header = false;
      await sink.write(text);
    },
    async finish() {
      if (header) await sink.write(stringify([], { header: true, columns: CSV_COLUMNS as unknown as string[], ...CSV_OPTIONS }));
      await sink.close();
      return rows;
    },
    abort: () => sink.destroy(),
  };
}
