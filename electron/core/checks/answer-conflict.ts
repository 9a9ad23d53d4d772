// answer-conflict (inconsistent): the option the reasoning commits to last is not the one in <answer>.
//
// Commitment: an affirmed mention of an option — by letter ("B", "(B)", "option B", "the answer is B") or by its text
// paraphrased (its content words, stemmed, in any order, close together) — in a clause that concludes ("next",
// "should", "so", "therefore", "the answer is", …) or a step that opens with the option's verb ("Close the tap.").
// Rejected ("X is not…"), deferred ("before X") and "not yet" mentions do not commit; neither does a list of the
// options. When the concluding step names several options and one of them is the answer, it is not a conflict.
import { analyse, lastCommitment } from './analysis.ts';
import { NONE, suggest } from './suggest.ts';
import { quote } from './text.ts';
import type { Check, CheckInput, Suggestion } from './types.ts';

const ME = { name: 'answer-conflict', version: 1, label: 'inconsistent' };

export const answerConflict: Check = {
  ...ME,
  run(input: CheckInput): Suggestion[] {
    const p = input.prediction;
    if (p === null) return NONE;
    const an = analyse(input);
    const c = lastCommitment(an);
    if (c === null) return NONE;
    const pk = 'ABCD'.indexOf(p);
    if (c.optionsInStep & (1 << pk)) return NONE;
    const m = c.last;
    const letter = 'ABCD'[m.target];
    const [s, e] = an.span(m.a, m.b);
    const said = m.letter ? letter : `'${quote(an.raw, s, e)}' = ${letter}`;
    const several = c.optionsInStep & (c.optionsInStep - 1);
    const confidence = several ? 0.5 : m.letter ? 0.9 : m.full ? 0.8 : 0.6;
    return [suggest(ME, an.stepRange(m.a, m.b), [s, e], confidence, `concludes ${said}, answers ${p}`)];
  },
};
