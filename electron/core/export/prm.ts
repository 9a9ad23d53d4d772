// PRM: per-step labels for process reward models, in the PRM800K spirit (+1 good, 0 neutral or unknown, −1 bad) and
// with ProcessBench's `first_error_step`. Every label in the taxonomy is a failure kind, so any live tag is a failure
// tag. For each step of a response:
//   −1  a tag marks the step (its step range holds it, or its character span overlaps the step);
//   +1  no tag marks it, it comes before the first −1 step, the verdicts say the reasoning supports the answer
//       (someone said yes, nobody no or unclear), and no tag marks the whole response or only a time range;
//    0  otherwise: unjudged, judged unclear or not supporting, after the first wrong step (PRM800K and ProcessBench
//       judge nothing after the first error), or on a response with a failure that points at no step.
// `first_error_step` is the index of the first −1 step, −1 when there is none. JSONL, one response per line; the
// filter and version in the `<out>.meta.json` sidecar.
import type { FormatContext, FormatWriter } from './format.ts';
import { TextSink } from './output.ts';
import { judgment, tagSteps, tagText, type ExportedResponse } from './records.ts';

export interface PrmStep {
  index: number;
  start: number;
  end: number;
  text: string;
  label: 1 | 0 | -1;
  /** Labels of the tags marking this step. */
  tags: string[];
  /** Video time ranges (seconds) of the tags marking this step. */
  time: [number, number][];
}

export interface PrmRecord {
  run: string;
  method: string;
  level: string;
  sample_id: string;
  rollout: number;
  task_goal: string | null;
  question: string | null;
  options: ExportedResponse['options'];
  golden: string | null;
  prediction: string | null;
  correct: boolean;
  format_ok: boolean;
  /** The verdicts taken together (an adjudicator's when there is one): yes, no, unclear, or null when nobody judged. */
  supports: string | null;
  steps: PrmStep[];
  /** The step labels alone, in order (what a PRM trainer reads). */
  labels: (1 | 0 | -1)[];
  first_error_step: number;
  /** Failure labels of tags that mark no step (the whole response, or only a video moment). */
  response_labels: string[];
  /** Every tag with its steps, span text and video time range. */
  tags: { label: string; annotator: string; steps: number[]; text: string | null; time: [number, number] | null; note: string | null; severity: string | null }[];
  response: string;
}

export function prmRecord(r: ExportedResponse): PrmRecord {
  const marks = r.tags.map((t) => ({ tag: t, steps: tagSteps(r, t) }));
  const bad = new Set(marks.flatMap((m) => m.steps));
  const firstError = r.steps.find((s) => bad.has(s.index))?.index ?? -1;
  const responseLabels = [...new Set(marks.filter((m) => m.steps.length === 0).map((m) => m.tag.label))];
  const supports = judgment(r);
  const good = supports === 'yes' && responseLabels.length === 0;
  const steps = r.steps.map((s): PrmStep => {
    const on = marks.filter((m) => m.steps.includes(s.index));
    const label = on.length > 0 ? -1 : good && (firstError === -1 || s.index < firstError) ? 1 : 0;
    return {
      index: s.index,
      start: s.start,
      end: s.end,
      text: s.text,
      label,
      tags: [...new Set(on.map((m) => m.tag.label))],
      time: on.flatMap((m) => (m.tag.time ? [m.tag.time] : [])),
    };
  });
  return {
    run: r.run,
    method: r.method,
    level: r.level,
    sample_id: r.sample_id,
    rollout: r.rollout,
    task_goal: r.task_goal,
    question: r.question,
    options: r.options,
    golden: r.golden,
    prediction: r.prediction,
    correct: r.correct,
    format_ok: r.format_ok,
    supports,
    steps,
    labels: steps.map((s) => s.label),
    first_error_step: firstError,
    response_labels: responseLabels,
    tags: marks.map(({ tag, steps: st }) => ({
      label: tag.label,
      annotator: tag.annotator,
      steps: st,
      text: tagText(r, tag),
      time: tag.time,
      note: tag.note,
      severity: tag.severity,
    })),
    response: r.response,
  };
}

export function prmWriter(ctx: FormatContext): FormatWriter {
  const sink = new TextSink(ctx.tmp);
  let lines = 0;
  return {
    async write(batch) {
      let text = '';
      for (const w of batch) text += JSON.stringify(prmRecord(w.record)) + '\n';
      lines += batch.length;
      await sink.write(text);
    },
    async finish() {
      await sink.close();
      return lines;
    },
    abort: () => sink.destroy(),
  };
}
