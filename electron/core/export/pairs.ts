// Preference pairs for DPO-style training, always two responses to the SAME question (same sample: level and id):
//   chosen    a correct response with no failure tag whose verdicts say the reasoning supports the answer (someone
//             said yes, nobody no or unclear; an adjudicator's verdict, when there is one, instead of the raters');
//   rejected  a response to that question carrying at least one failure tag (any live tag: every label is a failure).
// Every chosen response of a question is paired with every rejected one. Top-level `prompt`, `chosen`, `rejected` are
// strings (the shape TRL's DPOTrainer reads); `chosen_meta` / `rejected_meta` say which run, rollout and scoring, and
// `why` says why the rejected one is worse (its labels, steps, marked text and notes). The library's order walks a
// question's responses together, so only one question is held at a time. JSONL; the sidecar holds filter and version.
import type { FormatContext, FormatWriter } from './format.ts';
import { TextSink } from './output.ts';
import { judgment, promptOf, tagSteps, tagText, type ExportedResponse, type Walked } from './records.ts';

export function isChosen(r: ExportedResponse): boolean {
  return r.correct && r.tags.length === 0 && judgment(r) === 'yes';
}

export function isRejected(r: ExportedResponse): boolean {
  return r.tags.length > 0;
}

function side(r: ExportedResponse) {
  return {
    run: r.run,
    method: r.method,
    rollout: r.rollout,
    prediction: r.prediction,
    correct: r.correct,
    supports: judgment(r),
    verdicts: r.verdicts.map((v) => ({ annotator: v.annotator, supports: v.supports, note: v.note })),
    think: r.think,
    answer_raw: r.answer_raw,
  };
}

/** Why a rejected response is worse, in words: each failure tag's label, where it points, and its note. */
export function why(r: ExportedResponse): string {
  return r.tags
    .map((t) => {
      const steps = tagSteps(r, t);
      const where = steps.length ? ` at step${steps.length > 1 ? 's' : ''} ${steps.join(', ')}` : '';
      const text = tagText(r, t);
      const quote = text ? ` ("${text.length > 160 ? text.slice(0, 157) + '…' : text}")` : '';
      const time = t.time ? ` [video ${t.time[0]}–${t.time[1]} s]` : '';
      return `${t.label}${where}${quote}${time}${t.severity ? ` (${t.severity})` : ''}${t.note ? `: ${t.note}` : ''}`;
    })
    .join('; ');
}

export function pairsOf(question: readonly ExportedResponse[]) {
  const chosen = question.filter(isChosen);
  const rejected = question.filter(isRejected);
  const out = [];
  for (const c of chosen) {
    for (const x of rejected) {
      out.push({
        level: c.level,
        sample_id: c.sample_id,
        task_goal: c.task_goal,
        question: c.question,
        options: c.options,
        golden: c.golden,
        prompt: promptOf(c),
        chosen: c.response,
        rejected: x.response,
        chosen_meta: side(c),
        rejected_meta: {
          ...side(x),
          labels: [...new Set(x.tags.map((t) => t.label))],
          tags: x.tags.map((t) => ({
            label: t.label,
            annotator: t.annotator,
            steps: tagSteps(x, t),
            text: tagText(x, t),
            time: t.time,
            note: t.note,
            severity: t.severity,
          })),
        },
        why: why(x),
      });
    }
  }
  return out;
}

export function pairsWriter(ctx: FormatContext): FormatWriter {
  const sink = new TextSink(ctx.tmp);
  let pairs = 0;
  let question: Walked[] = [];
  const flush = async () => {
    let text = '';
    for (const p of pairsOf(question.map((w) => w.record))) {
      text += JSON.stringify(p) + '\n';
      pairs++;
    }
    question = [];
    if (text) await sink.write(text);
  };
  return {
    async write(batch) {
      for (const w of batch) {
        if (question.length > 0 && question[0].sampleKey !== w.sampleKey) await flush();
        question.push(w);
      }
    },
    async finish() {
      await flush();
      await sink.close();
      return pairs;
    },
    abort: () => sink.destroy(),
  };
}
