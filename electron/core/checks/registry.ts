// The automatic reasoning checks: each a pure, versioned function of one response and its sample that
// proposes tags. This folder holds one file per check, the text helpers they share, and this registry.
import { forgetAnalysis } from './analysis.ts';
import { answerConflict } from './answer-conflict.ts';
import { degenerate } from './degenerate.ts';
import { ignoredGoal } from './ignored-goal.ts';
import { noCommitment } from './no-commitment.ts';
import { overlookedCue } from './overlooked-cue.ts';
import { repeatsDoneStep } from './repeats-done-step.ts';
import { ruledOutThenChosen } from './ruled-out-then-chosen.ts';
import { oneLine } from './text.ts';
import { CHECK_LABELS, type Check, type CheckInput, type Suggestion } from './types.ts';

/** Every check, in the order their suggestions are returned. */
export const CHECKS: readonly Check[] = [
  answerConflict,
  ruledOutThenChosen,
  noCommitment,
  repeatsDoneStep,
  overlookedCue,
  ignoredGoal,
  degenerate,
];

export const CHECK_NAMES: readonly string[] = CHECKS.map((c) => c.name);

/**
 * Runs the checks (all, or those named in `only`) on one input. Never throws: a check that throws yields nothing for
 * this input. Suggestions come in the order of CHECKS, then in each check's own order, and each is well-formed: label
 * a check label, confidence in [0, 1], span within raw, steps within the input's steps, evidence one line ≤ 200 chars.
 */
export function runChecks(input: CheckInput, only?: readonly string[]): Suggestion[] {
  const out: Suggestion[] = [];
  try {
    for (const check of CHECKS) {
      if (only && !only.includes(check.name)) continue;
      let found: Suggestion[];
      try {
        found = check.run(input);
      } catch {
        forgetAnalysis();
        continue;
      }
      for (const g of found) {
        const ok = wellFormed(g, input);
        if (ok) out.push(ok);
      }
    }
  } catch {
    // An input so malformed that reading it throws (a getter, a proxy): nothing to propose.
  } finally {
    forgetAnalysis();
  }
  return out;
}

/** The suggestion with anything out of bounds clamped or dropped; null when it cannot be made sound. */
function wellFormed(g: Suggestion, input: CheckInput): Suggestion | null {
  if (!g || !(CHECK_LABELS as readonly string[]).includes(g.label)) return null;
  if (sound(g, input)) return g;
  const len = typeof input.raw === 'string' ? input.raw.length : 0;
  const count = Array.isArray(input.steps) ? input.steps.length : 0;
  let span = g.span;
  if (span) {
    const s = Math.max(0, Math.min(len, Math.floor(span[0])));
    const e = Math.max(s, Math.min(len, Math.floor(span[1])));
    span = Number.isFinite(s) && Number.isFinite(e) ? [s, e] : null;
  }
  let steps = g.steps;
  if (steps) {
    const [a, b] = steps;
    steps = Number.isInteger(a) && Number.isInteger(b) && a >= 0 && a <= b && b < count ? [a, b] : null;
  }
  const c = Number.isFinite(g.confidence) ? Math.max(0, Math.min(1, g.confidence)) : 0;
  return { check: g.check, version: g.version, label: g.label, steps, span, confidence: c, evidence: oneLine(String(g.evidence ?? ''), 200) };
}

/** Whether a suggestion keeps the contract as it is (the common case: no copy needed). */
function sound(g: Suggestion, input: CheckInput): boolean {
  const len = typeof input.raw === 'string' ? input.raw.length : 0;
  const count = Array.isArray(input.steps) ? input.steps.length : 0;
  const { span, steps, confidence, evidence } = g;
  if (span && !(Number.isInteger(span[0]) && Number.isInteger(span[1]) && span[0] >= 0 && span[0] <= span[1] && span[1] <= len)) return false;
  if (steps && !(Number.isInteger(steps[0]) && Number.isInteger(steps[1]) && steps[0] >= 0 && steps[0] <= steps[1] && steps[1] < count)) return false;
  if (!(confidence >= 0 && confidence <= 1)) return false;
  return typeof evidence === 'string' && oneLine(evidence, 200) === evidence;
}
