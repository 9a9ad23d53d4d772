// A check's input (checks/types.ts CheckInput) from what the workspace stores of a sample and a response. Pure: the
// run importer's parsing worker builds it from the same fields as `cotscope check` reads back, so both give the checks
// the same input.
import type { Letter, Options, Step } from '../../shared/types.ts';
import type { CheckInput, NarratedStep } from './checks/types.ts';
import { decodeSteps } from './steps-column.ts';

/** What the checks read of a sample, as the workspace stores it. */
export interface SampleForChecks {
  question: string | null;
  choice_a: string | null;
  choice_b: string | null;
  choice_c: string | null;
  choice_d: string | null;
  golden: string | null;
  task_goal: string | null;
  /** JSON array of {narration_text, start_frame, stop_frame}. */
  task_progress: string | null;
  current_observation_frame: number | null;
}

/** What the checks read of a response, as the workspace stores it. */
export interface ResponseForChecks {
  raw: string;
  think_start: number | null;
  think_end: number | null;
  answer_text: string | null;
  prediction: string | null;
  /** The steps column (steps-column.ts), or the steps themselves where they were just split (the importer). */
  steps: string | readonly Step[];
}

/** A sample's part of a check's input, built once per sample (its narration parsed once). */
export type SampleContext = Omit<CheckInput, 'raw' | 'thinkStart' | 'thinkEnd' | 'answer' | 'prediction' | 'steps'>;

export function sampleContext(s: SampleForChecks): SampleContext {
  let narration: NarratedStep[] = [];
  try {
    const parsed = JSON.parse(s.task_progress ?? '[]') as { narration_text?: unknown; start_frame?: unknown; stop_frame?: unknown }[];
    if (Array.isArray(parsed)) {
      narration = parsed.map((n) => ({
        text: typeof n?.narration_text === 'string' ? n.narration_text : '',
        start_frame: typeof n?.start_frame === 'number' ? n.start_frame : 0,
        stop_frame: typeof n?.stop_frame === 'number' ? n.stop_frame : 0,
      }));
    }
  } catch {
    // A sample whose narration is not JSON has none for the checks (the importer validated it; a hand-edited row).
  }
  const options: Options = { A: s.choice_a, B: s.choice_b, C: s.choice_c, D: s.choice_d };
  return {
    question: s.question ?? '',
    options,
    golden: (s.golden as Letter | null) ?? null,
    goal: s.task_goal ?? '',
    narration,
    observationFrame: s.current_observation_frame,
  };
}

export function checkInput(sample: SampleContext, r: ResponseForChecks): CheckInput {
  return {
    ...sample,
    raw: r.raw,
    thinkStart: r.think_start,
    thinkEnd: r.think_end,
    answer: r.answer_text,
    prediction: (r.prediction as Letter | null) ?? null,
    steps: typeof r.steps === 'string' ? decodeSteps(r.steps) : r.steps,
  };
}
