// The contract of the automatic reasoning checks: what a check reads (one response with its sample) and what it
// proposes (a suggestion a reviewer accepts or rejects). Pure TypeScript: no Node or Electron imports.
import type { Letter, Options, Step } from '../../../shared/types.ts';

export interface NarratedStep {
  text: string;
  start_frame: number;
  stop_frame: number;
}

export interface CheckInput {
  question: string;
  /** { A: string|null, B, C, D } — the choices' text */
  options: Options;
  golden: Letter | null;
  /** task goal */
  goal: string;
  /** task_progress_metadata, in order; all are before the current observation */
  narration: readonly NarratedStep[];
  /** current_observation_frame */
  observationFrame: number | null;
  /** the whole response text */
  raw: string;
  /** think = raw.slice(thinkStart, thinkEnd) */
  thinkStart: number | null;
  thinkEnd: number | null;
  /** content of <answer>…</answer>, untrimmed, null when none */
  answer: string | null;
  /** the letter the scorer read from the answer */
  prediction: Letter | null;
  /** the chain split into steps: offsets into raw ({index,start,end}) */
  steps: readonly Step[];
}

export interface Suggestion {
  /** e.g. 'answer-conflict' */
  check: string;
  /** the check's version (bumped when its behaviour changes) */
  version: number;
  /** taxonomy key: 'inconsistent' | 'temporal-order' | 'overlooked-cue' | 'ignored-goal' | 'degenerate' */
  label: string;
  /** first and last step index it points at (inclusive) */
  steps: [number, number] | null;
  /** character span in raw (UTF-16 offsets), end exclusive, within raw */
  span: [number, number] | null;
  /** in [0, 1] */
  confidence: number;
  /** one line a reviewer reads, ≤ 200 chars, e.g. "concludes 'wring out the cloth' = B, answers D" */
  evidence: string;
}

export interface Check {
  name: string;
  version: number;
  label: string;
  run(input: CheckInput): Suggestion[];
}

/** The taxonomy keys a check may propose (a subset of shared/labels.ts DEFAULT_LABELS). */
export const CHECK_LABELS = ['inconsistent', 'temporal-order', 'overlooked-cue', 'ignored-goal', 'degenerate'] as const;
