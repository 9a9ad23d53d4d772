// The scoring rule users compare with the official scripts. It is written down in README.md ("Scoring"); change
// both together or neither.
import type { Letter, Options, ScoredResponse } from './types.ts';

// The four tags, as scanTags reports them.
const THINK = 0;
const THINK_END = 1;
const ANSWER = 2;
const ANSWER_END = 3;
const TAG_NAMES = ['think', 'answer'];

/**
 * Every <think>, </think>, <answer> and </answer> in `raw` (ASCII letters in any case, as the regexes /<think>/i …
 * match), in order, as [kind, index, kind, index, …]. One pass from '<' to '<' (indexOf) instead of a regex search per
 * question asked: scoring runs once per imported response, and this is most of its time.
 */
function scanTags(raw: string): number[] {
  const tags: number[] = [];
  for (let p = raw.indexOf('<'); p >= 0; p = raw.indexOf('<', p + 1)) {
    let q = p + 1;
    const closing = raw.charCodeAt(q) === 0x2f; // '/'
    if (closing) q++;
    for (let n = 0; n < 2; n++) {
      const name = TAG_NAMES[n];
      let k = 0;
      while (k < name.length && (raw.charCodeAt(q + k) | 0x20) === name.charCodeAt(k)) k++;
      if (k === name.length && raw.charCodeAt(q + k) === 0x3e) {
        tags.push(n * 2 + (closing ? 1 : 0), p);
        break;
      }
    }
  }
  return tags;
}

/** The index of the first tag of `kind` in `tags` from entry `from` on, or -1. */
function firstTag(tags: number[], kind: number, from = 0): number {
  for (let i = from; i < tags.length; i += 2) if (tags[i] === kind) return i;
  return -1;
}

function answerSpanOf(tags: number[]): [number, number] | null {
  const open = firstTag(tags, ANSWER);
  if (open < 0) return null;
  const close = firstTag(tags, ANSWER_END, open + 2);
  if (close < 0) return null;
  return [tags[open + 1] + '<answer>'.length, tags[close + 1]];
}

function thinkSpanOf(raw: string, tags: number[]): [number, number] | null {
  const open = firstTag(tags, THINK);
  if (open < 0) return null;
  const start = tags[open + 1] + '<think>'.length;
  const close = firstTag(tags, THINK_END, open + 2);
  if (close >= 0) return [start, tags[close + 1]];
  const answer = firstTag(tags, ANSWER, open + 2);
  return [start, answer >= 0 ? tags[answer + 1] : raw.length];
}

function formatOkOf(raw: string, tags: number[]): boolean {
  if (tags.length !== 8) return false;
  if (tags[0] !== THINK || tags[2] !== THINK_END || tags[4] !== ANSWER || tags[6] !== ANSWER_END) return false;
  const before = raw.slice(0, tags[1]);
  const between = raw.slice(tags[3] + '</think>'.length, tags[5]);
  const after = raw.slice(tags[7] + '</answer>'.length);
  return isBlank(before) && isBlank(between) && isBlank(after);
}

/** Offsets of the content of the first <answer>…</answer>, or null. */
export function answerSpan(raw: string): [number, number] | null {
  return answerSpanOf(scanTags(raw));
}

/**
 * Offsets of the content of the first <think>…</think>. A missing </think> is tolerated: the content then runs to
 * the first <answer> after <think>, or to the end of the text (a chain cut off mid-thought is still a chain).
 */
export function thinkSpan(raw: string): [number, number] | null {
  return thinkSpanOf(raw, scanTags(raw));
}

/** Exactly one think block followed by exactly one answer block, and nothing else but whitespace. */
export function isFormatOk(raw: string): boolean {
  return formatOkOf(raw, scanTags(raw));
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
  const tags = scanTags(raw);
  const ans = answerSpanOf(tags);
  const th = thinkSpanOf(raw, tags);
  const answer = ans ? raw.slice(ans[0], ans[1]) : null;
  return {
    think: th ? raw.slice(th[0], th[1]) : null,
    thinkStart: th ? th[0] : null,
    thinkEnd: th ? th[1] : null,
    answer,
    prediction: predictLetter(answer, options),
    formatOk: formatOkOf(raw, tags),
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
  const tags = scanTags(raw);
  const open = firstTag(tags, ANSWER);
  return [0, open >= 0 ? tags[open + 1] : raw.length];
}
