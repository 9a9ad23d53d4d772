// Schemas of the records cotscope reads (SEED-Bench-R1, EgoPlan, infer.py, GRPO-CARE). Unknown fields are kept:
// the raw record is stored whole; these schemas only check what cotscope uses.
import { z } from 'zod';

const sampleId = z.union([z.string().min(1), z.number().int()]);
const frame = z.number().int().nonnegative();

export const NarrationSchema = z.looseObject({
  narration_text: z.string(),
  start_frame: frame,
  stop_frame: frame,
});

const letter = z.enum(['A', 'B', 'C', 'D']);

/** The fields every benchmark record shares (SEED-Bench-R1 validation and training, EgoPlan-Bench(2)). */
const RecordBase = z.looseObject({
  video_source: z.string().min(1),
  video_id: z.union([z.string(), z.number()]).optional(),
  video_basename: z.string().min(1),
  current_observation_basename: z.string().min(1),
  task_goal: z.string(),
  question: z.string(),
  current_observation_frame: frame.optional(),
  task_progress_metadata: z.array(NarrationSchema),
  domain: z.string().optional(),
  scenario: z.string().optional(),
  task_start_frame: frame.optional(),
});

/** A validation record of SEED-Bench-R1 / EgoPlan-Bench(2): lettered choices and a golden letter. */
export const ValidationRecordSchema = RecordBase.extend({
  sample_id: sampleId,
  choice_a: z.string(),
  choice_b: z.string(),
  choice_c: z.string(),
  choice_d: z.string(),
  golden_choice_idx: letter,
  answer: z.string().optional(),
});
export type ValidationRecord = z.infer<typeof ValidationRecordSchema>;

/** A training record: the correct answer's text plus negative answers, no lettered choices; sample_id optional. */
export const TrainingRecordSchema = RecordBase.extend({
  sample_id: sampleId.optional(),
  answer: z.string(),
  negative_answers: z.array(z.string()),
});
export type TrainingRecord = z.infer<typeof TrainingRecordSchema>;

/** Turns a zod error into "field `x.y`: message" for the skipped-lines report. */
export function describeIssue(error: z.ZodError): { field: string; reason: string } {
  const issue = error.issues[0];
  const field = issue.path.length ? issue.path.join('.') : '(record)';
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
    return { field, reason: `missing field \`${field}\`` };
  }
  return { field, reason: `field \`${field}\`: ${issue.message}` };
}
