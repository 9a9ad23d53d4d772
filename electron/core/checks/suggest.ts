// Builds a check's suggestion (the registry makes every one well-formed again before it leaves).
import type { Check, Suggestion } from './types.ts';

/** What a check returns when it proposes nothing: one shared, frozen empty list (do not add to it). */
export const NONE: Suggestion[] = Object.freeze([]) as unknown as Suggestion[];

export function suggest(
  check: Pick<Check, 'name' | 'version' | 'label'>,
  steps: [number, number] | null,
  span: [number, number] | null,
  confidence: number,
  evidence: string,
): Suggestion {
  return { check: check.name, version: check.version, label: check.label, steps, span, confidence, evidence };
}
