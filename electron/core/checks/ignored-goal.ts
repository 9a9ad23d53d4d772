// ignored-goal (ignored-goal, low confidence): no word of the task goal (its content words, stemmed; generic verbs
// such as "make" or "put" left out) appears anywhere in the chain, and the answer's action shares no word with the
// goal or the narrated progress either (a chain about the duvet and the sheet answering "spread duvet" is about making
// the bed even if it never says "bed"). Without an answer, the chain must name nothing of the narration either.
import { analyse } from './analysis.ts';
import { NONE, suggest } from './suggest.ts';
import { oneLine } from './text.ts';
import type { Check, CheckInput, Suggestion } from './types.ts';

const ME = { name: 'ignored-goal', version: 1, label: 'ignored-goal' };

/** A chain shorter than this (in words) is left to the degenerate check. */
const MIN_WORDS = 8;

export const ignoredGoal: Check = {
  ...ME,
  run(input: CheckInput): Suggestion[] {
    const an = analyse(input);
    if (an.goalStems.length === 0 || an.tok.n < MIN_WORDS) return NONE;
    if (an.mentionsAnyStem(an.goalSpecific)) return NONE;
    const related = an.sample.related;
    const p = input.prediction;
    const o = p === null ? undefined : an.option('ABCD'.indexOf(p));
    if (o) {
      if (o.stems.some((st) => related.has(st))) return NONE;
    } else if (an.mentionsAnyStem([...related])) {
      return NONE;
    }
    return [suggest(ME, null, null, 0.35, `never relates to the goal '${oneLine(String(input.goal), 60)}': none of its words in the chain${o ? `, and the answer ${p} '${o.text}' shares none with the goal or the narrated steps` : ''}`)];
  },
};
