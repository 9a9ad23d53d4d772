// overlooked-cue (overlooked-cue, low confidence): the last narrated step before the current observation — the
// things it acts on (its words after the verb, particles such as "on" left out) — never appears in the chain, and the answer's option does not name
// them either. What the chain contradicts rather than omits ("the kettle is not on yet") is not caught here.
import { analyse } from './analysis.ts';
import { NONE, suggest } from './suggest.ts';
import type { Check, CheckInput, Suggestion } from './types.ts';

const ME = { name: 'overlooked-cue', version: 1, label: 'overlooked-cue' };

/** A chain shorter than this (in words) is left to the degenerate check. */
const MIN_WORDS = 8;

export const overlookedCue: Check = {
  ...ME,
  run(input: CheckInput): Suggestion[] {
    const an = analyse(input);
    const last = an.narration[an.narration.length - 1];
    if (!last || last.stems.length === 0 || an.tok.n < MIN_WORDS) return NONE;
    const objects = an.sample.lastObjects;
    if (an.mentionsAnyStem(objects)) return NONE;
    const p = input.prediction;
    const o = p === null ? undefined : an.option('ABCD'.indexOf(p));
    if (o && o.stems.some((st) => objects.includes(st))) return NONE;
    const answer = p === null ? 'gives no answer' : `answers ${p}${o ? ` '${o.text}'` : ''}`;
    return [
      suggest(ME, null, null, 0.3, `never mentions '${last.text}', the last narrated step (frames ${last.start}–${last.stop}), and ${answer}`),
    ];
  },
};
