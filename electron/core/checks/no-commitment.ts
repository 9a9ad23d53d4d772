// no-commitment (inconsistent, low confidence): the chain answers, yet never names or paraphrases any option outside
// a plain list of them — the answer does not follow from anything the reasoning says.
import { answerSpan } from '../../../shared/scoring.ts';
import { analyse } from './analysis.ts';
import { NONE, suggest } from './suggest.ts';
import type { Check, CheckInput, Suggestion } from './types.ts';

const ME = { name: 'no-commitment', version: 1, label: 'inconsistent' };

/** A chain shorter than this (in words) is left to the degenerate check. */
const MIN_WORDS = 8;

export const noCommitment: Check = {
  ...ME,
  run(input: CheckInput): Suggestion[] {
    const p = input.prediction;
    if (p === null) return NONE;
    const an = analyse(input);
    if (an.tok.n < MIN_WORDS) return NONE;
    for (const m of an.optionMentions()) if (!m.listing) return NONE;
    const o = an.option('ABCD'.indexOf(p));
    const span = answerSpan(an.raw);
    return [suggest(ME, null, span, 0.3, `answers ${p}${o ? ` '${o.text}'` : ''}; the chain never names or paraphrases any option`)];
  },
};
