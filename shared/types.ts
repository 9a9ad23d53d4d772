// Domain types in the users' words. Pure TypeScript: no Node or Electron imports.

export const LEVELS = ['L1', 'L2', 'L3'] as const;
export type Level = (typeof LEVELS)[number];

export const METHODS = ['rl', 'sft', 'base', 'other'] as const;
export type Method = (typeof METHODS)[number];

export const LETTERS = ['A', 'B', 'C', 'D'] as const;
export type Letter = (typeof LETTERS)[number];

/** A step of a chain of thought: `raw.slice(start, end)` is exactly the step's text. */
export interface Step {
  index: number;
  start: number;
  end: number;
}

/** What the scorer makes of one model response. */
export interface ScoredResponse {
  /** Content of the first <think>…</think> (tolerating a missing </think> before <answer>), or null. */
  think: string | null;
  /** Offsets of the think content in the raw text, or null when there is none. */
  thinkStart: number | null;
  thinkEnd: number | null;
  /** Content of the first <answer>…</answer>, untrimmed, or null. */
  answer: string | null;
  /** Predicted option letter, or null when none can be read. */
  prediction: Letter | null;
  /** Exactly one think block followed by exactly one answer block, nothing else but whitespace. */
  formatOk: boolean;
}

export interface Options {
  A: string | null;
  B: string | null;
  C: string | null;
  D: string | null;
}

/** Reads a level from a file name such as `validation_L2.jsonl` or `…seed_bench_r1_L3_results.json`. */
export function levelFromFileName(name: string): Level | null {
  const base = name.split(/[\\/]/).pop() ?? name;
  const m = /(?:^|[^A-Za-z0-9])L([123])(?![0-9])/.exec(base) ?? /_L([123])(?![0-9])/.exec(base);
  return m ? (`L${m[1]}` as Level) : null;
}

export function isLevel(v: unknown): v is Level {
  return typeof v === 'string' && (LEVELS as readonly string[]).includes(v);
}

export function isMethod(v: unknown): v is Method {
  return typeof v === 'string' && (METHODS as readonly string[]).includes(v);
}
