// The scoring rule users compare with the official scripts. It is written down in README.md ("Scoring"); change
// both together or neither.
import type { Letter, Options, ScoredResponse } from './types.ts';

const THINK_OPEN = /<think>/gi;
const THINK_CLOSE = /<\/think>/gi;
const ANSWER_OPEN = /<answer>/gi;
const ANSWER_CLOSE = /<\/answer>/gi;
const ANY_TAG = /<\/?(?:think|answer)>/gi;

function find(re: RegExp, text: string, from: number): number {
  re.lastIndex = from;
  const m = re.exec(text);
  return m ? m.index : -1;
}

/** Offsets of the content of the first <answer>…</answer>, or null. */
export function answerSpan(raw: string): [number, number] | null {
  const open = find(ANSWER_OPEN, raw, 0);
  if (open < 0) return null;
  const start = open + '<answer>'.length;
  const close = find(ANSWER_CLOSE, raw, start);
  if (close < 0) return null;
  return [start, close];
}

/**
 * Offsets of the content of the first <think>…</think>. A missing </think> is tolerated: the content then runs to
 * the first <answer> after <think>, or to the end of the text (a chain cut off mid-thought is still a chain).
 */
export function thinkSpan(raw: string): [number, number] | null {
  const open = find(THINK_OPEN, raw, 0);
  if (open < 0) return null;
  const start = open + '<think>'.length;
  const close = find(THINK_CLOSE, raw, start);
  if (close >= 0) {
    return [start, close];
  }
  const answer = find(ANSWER_OPEN, raw, start);
  return [start, answer >= 0 ? answer : raw.length];
}

/** Exactly one think block followed by exactly one answer block, and nothing else but whitespace. */
export function isFormatOk(raw: string): boolean {
  ANY_TAG.lastIndex = 0;
  const tags: string[] = [];
  const positions: number[] = [];
  let m: RegExpExecArray | null;
  while ((m = ANY_TAG.exec(raw)) !== null) {
    tags.push(m[0].toLowerCase());
    positions.push(m.index);
    if (tags.length > 4) return false;
  }
  if (tags.length !== 4) return false;
  if (tags[0] !== '<think>' || tags[1] !== '</think>' || tags[2] !== '<answer>' || tags[3] !== '</answer>') return false;
  const before = raw.slice(0, positions[0]);
  const between = raw.slice(positions[1] + '</think>'.length, positions[2]);
  const after = raw.slice(positions[3] + '</answer>'.length);
  return isBlank(before) && isBlank(between) && isBlank(after);
}

function isBlank(s: string): boolean {
  return s.trim().length === 0;
}

const LEADING_WORD = /^(?:answer\s*:|option(?!\p{L}))/iu;
const OPENERS = '([{"\'“‘«`';
const CLOSERS = ')]}"\'”’»`';
const LETTER_AT_START = /^([A-D])(?!\p{L})/u;

/** Normalises an answer or option text for comparison: case, punctuation and extra spaces ignored. */
export function normaliseOptionText(s: string): string {
  return s
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Steps 2–4 of the rule: from the answer text to a letter, or null. */
export function predictLetter(answer: string | null, options?: Partial<Options> | null): Letter | null {
  if (answer === null) return null;
  let s = answer.trim();
  const lead = LEADING_WORD.exec(s);
  if (lead) s = s.slice(lead[0].length).trim();
  let a = 0;
  let b = s.length;
  while (a < b && OPENERS.includes(s[a])) a++;
  while (b > a && CLOSERS.includes(s[b - 1])) b--;
  s = s.slice(a, b);
  const letter = LETTER_AT_START.exec(s);
  if (letter) return letter[1] as Letter;
  if (options) {
    const wanted = normaliseOptionText(s);
    if (wanted.length === 0) return null;
    for (const key of ['A', 'B', 'C', 'D'] as const) {
      const text = options[key];
      if (typeof text === 'string' && normaliseOptionText(text) === wanted) return key;
    }
  }
  return null;
}

/** Scores one raw model response: think, answer, predicted letter and format. */
export function scoreResponse(raw: string, options?: Partial<Options> | null): ScoredResponse {
  const ans = answerSpan(raw);
  const th = thinkSpan(raw);
  const answer = ans ? raw.slice(ans[0], ans[1]) : null;
  return {
    think: th ? raw.slice(th[0], th[1]) : null,
    thinkStart: th ? th[0] : null,
    thinkEnd: th ? th[1] : null,
    answer,
    prediction: predictLetter(answer, options),
    formatOk: isFormatOk(raw),
  };
}

/** The file's own verdict: its `correct` when it has one, else reward ≥ 0.5; null when it has neither. */
export function fileCorrect(reward: number | null, correct: boolean | null): boolean | null {
  if (typeof correct === 'boolean') return correct;
  if (typeof reward === 'number' && Number.isFinite(reward)) return reward >= 0.5;
  return null;
}

/**
 * The part of the raw text that holds the reasoning, as offsets: the think content when there is one, else
 * everything before the first <answer> (or the whole text when there is no answer either).
 */
export function reasoningSpan(raw: string, scored: Pick<ScoredResponse, 'thinkStart' | 'thinkEnd'>): [number, number] {
  if (scored.thinkStart !== null && scored.thinkEnd !== null) return [scored.thinkStart, scored.thinkEnd];
  const open = find(ANSWER_OPEN, raw, 0);
  return [0, open >= 0 ? open : raw.length];
}
