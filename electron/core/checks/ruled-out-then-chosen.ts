// ruled-out-then-chosen (inconsistent): the chain rejects the option it then answers ("X is not…", "rule out X",
// "X is unlikely", "instead of X", "X is already done"), and never affirms it again after the rejection.
import { NEG, POS, analyse } from './analysis.ts';
import { NONE, suggest } from './suggest.ts';
import { quote, wordText } from './text.ts';
import type { Check, CheckInput, Suggestion } from './types.ts';

const ME = { name: 'ruled-out-then-chosen', version: 1, label: 'inconsistent' };

export const ruledOutThenChosen: Check = {
  ...ME,
  run(input: CheckInput): Suggestion[] {
    const p = input.prediction;
    if (p === null) return NONE;
    const an = analyse(input);
    const pk = 'ABCD'.indexOf(p);
    // The last mention of the answer's option that takes a side decides: rejected and not taken back.
    let last = null;
    for (const m of an.optionMentions()) {
      if (m.target !== pk || m.listing) continue;
      if (m.polarity === NEG || (m.polarity === POS && m.commit)) last = m;
    }
    if (last === null || last.polarity !== NEG) return NONE;
    const a = Math.min(last.a, last.cue);
    const b = Math.max(last.b, last.cue);
    const [s, e] = an.span(a, b);
    const o = an.option(pk);
    const what = last.letter || !o ? p : `'${quote(an.raw, an.tok.start[last.a], an.tok.end[last.b])}' = ${p}`;
    const confidence = last.letter ? 0.8 : last.full ? 0.7 : 0.55;
    const evidence = `rejects ${what} ("${quote(an.raw, s, e, 80)}", cue '${wordText(an.tok.word[last.cue])}'), answers ${p}`;
    return [suggest(ME, an.stepRange(a, b), [s, e], confidence, evidence)];
  },
};
