// repeats-done-step (temporal-order): the answer, or the option the chain proposes last, is an action the narration
// already shows done before the current observation; or the chain tells two narrated steps in the opposite order to
// the narration ("first I add salt, then fill the pot" when the clip fills the pot first).
import { DEFER, NEG, NOT_YET, analyse, lastCommitment, sameAction, type Analysis, type Mention, type NarrationInfo } from './analysis.ts';
import { NONE, suggest } from './suggest.ts';
import { W_DEFER, W_EARLIER, W_SEQUENCE, quote, wordText } from './text.ts';
import type { Check, CheckInput, Suggestion } from './types.ts';

const ME = { name: 'repeats-done-step', version: 1, label: 'temporal-order' };

export const repeatsDoneStep: Check = {
  ...ME,
  run(input: CheckInput): Suggestion[] {
    const an = analyse(input);
    if (an.narration.length === 0) return NONE;
    const out: Suggestion[] = [];
    const p = input.prediction;
    const pk = p === null ? -1 : 'ABCD'.indexOf(p);
    const c = lastCommitment(an);
    const at = (m: Mention | null, confidence: number, evidence: string): Suggestion =>
      suggest(ME, m ? an.stepRange(m.a, m.b) : null, m ? an.span(m.a, m.b) : null, confidence, evidence);
    // The answer; pointing at where the chain proposes it, when it does.
    const answered = pk >= 0 ? doneAs(an, pk) : null;
    if (answered) {
      const m = c && c.optionsInStep & (1 << pk) ? lastConcluding(an, pk, c.last) : null;
      out.push(at(m, 0.6, `answers ${p} '${an.option(pk)!.text}', already done: narrated '${answered.text}' (frames ${answered.start}–${answered.stop})`));
    }
    // The chain's own proposal, when it is not the answer.
    if (c && !(pk >= 0 && c.optionsInStep & (1 << pk))) {
      const k = c.last.target;
      const proposed = doneAs(an, k);
      if (proposed) {
        out.push(at(c.last, 0.5, `proposes ${'ABCD'[k]} '${an.option(k)!.text}', already done: narrated '${proposed.text}' (frames ${proposed.start}–${proposed.stop})`));
      }
    }
    const order = misordered(an);
    if (order) {
      const { m1, m2, first, second } = order;
      const earlier = an.narration.find((n) => n.index === Math.min(m1.target, m2.target))!;
      const s = an.tok.start[m1.a];
      const e = Math.max(an.tok.end[m1.b], an.tok.end[m2.b]);
      const q = (m: Mention) => quote(an.raw, an.tok.start[m.a], an.tok.end[m.b], 40);
      out.push(suggest(ME, an.stepRange(m1.a, m2.b), [s, e], 0.55, `tells '${q(first)}' before '${q(second)}'; the clip has '${earlier.text}' first`));
    }
    return out;
  },
};

/** The narrated step (the latest) that is the same action as option k, or null. */
function doneAs(an: Analysis, k: number): NarrationInfo | null {
  const o = an.option(k);
  if (!o) return null;
  for (let j = an.narration.length - 1; j >= 0; j--) if (sameAction(o.stems, an.narration[j].stems)) return an.narration[j];
  return null;
}

/** The last concluding mention of option k in the step of `ref`. */
function lastConcluding(an: Analysis, k: number, ref: Mention): Mention | null {
  let found: Mention | null = null;
  const u = an.tok.unit[ref.a];
  for (const m of an.optionMentions()) if (m.target === k && m.commit && an.tok.unit[m.a] === u) found = m;
  return found;
}

/**
 * The first pair of narrated steps that the chain tells in the opposite order: consecutive mentions (affirmed or
 * placed by before/after) of two different narrated steps in one step of the chain, or in two steps the second of
 * which opens with then/after/next/finally. "X after Y" and "before X, Y" swap the told order; so does "earlier",
 * "previously" or "before that" in the second one's clause. m1/m2 are in text order, first/second in told order.
 */
function misordered(an: Analysis): { m1: Mention; m2: Mention; first: Mention; second: Mention } | null {
  const tok = an.tok;
  // Two narrated steps must be named at all: a quick look at the candidate words first.
  let named = 0;
  for (const n of an.narration) {
    if (an.mentionsAnyStem(n.stems) && ++named >= 2) break;
  }
  if (named < 2) return null;
  const list = an.narrationMentions().filter((m) => m.polarity !== NEG && m.polarity !== NOT_YET);
  for (let i = 0; i + 1 < list.length; i++) {
    const m1 = list[i];
    const m2 = list[i + 1];
    if (m1.target === m2.target || m2.a <= m1.b) continue;
    const u1 = tok.unit[m1.a];
    const u2 = tok.unit[m2.a];
    if (u2 !== u1 && !(u2 === u1 + 1 && tok.cls[tok.unitFirst[u2]] & W_SEQUENCE)) continue;
    let swapped = false;
    // "before X, Y": X comes second.
    if (m1.polarity === DEFER && m1.cue < m1.a && wordText(tok.word[m1.cue]) === 'before') swapped = !swapped;
    // "X after Y": Y comes first.
    if (m2.polarity === DEFER && m2.cue < m2.a && wordText(tok.word[m2.cue]) === 'after') swapped = !swapped;
    else if (earlierCue(an, m2)) swapped = !swapped;
    const [first, second] = swapped ? [m2, m1] : [m1, m2];
    if (first.target > second.target) return { m1, m2, first, second };
  }
  return null;
}

/** "earlier", "previously", "first" or "before that" in the clause before the mention (up to 8 words back). */
function earlierCue(an: Analysis, m: Mention): boolean {
  const tok = an.tok;
  const c = tok.clause[m.a];
  for (let j = m.a - 1; j >= 0 && j >= m.a - 8 && tok.clause[j] === c; j--) {
    const cls = tok.cls[j];
    if (!(cls & W_EARLIER)) continue;
    if (cls & W_DEFER && j >= m.a - 2) continue; // "before X" right in front is the deferral case above
    return true;
  }
  return false;
}
