// degenerate (degenerate): a chain that is not reasoning. Four forms, each its own suggestion:
// - repetition: a stretch of three or more copies of the same words (4-word sequences seen before, gaps of at most
//   three new ones), at least 12 repeated words;
// - truncated: no answer, and a <think> or <answer> that is never closed (the output stops mid-thought);
// - empty: no word in the think block (or, without one, before the answer);
// - question copy: at least 60% of the chain's 3-word sequences are copied from the question and its options.
import { analyse, bloomBit, type Analysis } from './analysis.ts';
import { NONE, suggest } from './suggest.ts';
import { oneLine } from './text.ts';
import type { Check, CheckInput, Suggestion } from './types.ts';

const ME = { name: 'degenerate', version: 1, label: 'degenerate' };

const MIN_COPIES = 3;
const MIN_REPEATED_WORDS = 12;
const MAX_GAP = 3;
const COPY_SHARE = 0.6;
const MIN_COPY_WORDS = 8;

export const degenerate: Check = {
  ...ME,
  run(input: CheckInput): Suggestion[] {
    const an = analyse(input);
    const out: Suggestion[] = [];
    const rep = repetition(an);
    if (rep) out.push(rep);
    const cut = truncated(an, input);
    if (cut) out.push(cut);
    if (an.tok.n === 0) {
      const raw = an.raw;
      const what = raw.trim() === '' ? 'empty output' : input.thinkStart !== null ? 'empty think block' : 'no reasoning before the answer';
      out.push(suggest(ME, null, thinkBlock(raw, input), 0.9, what));
    }
    const copy = questionCopy(an);
    if (copy) out.push(copy);
    return out;
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Repetition

let firstSeen = new Int32Array(1024); // hash slot → first position + 1, valid where seenGen[slot] === gen
let seenGen = new Int32Array(1024);
let gen = 0;
let ngramFirst = new Int32Array(1024); // position → first position of the same 4 words, or -1

function repetition(an: Analysis): Suggestion | null {
  const tok = an.tok;
  const n = tok.n - 3; // 4-word sequences
  if (n < MIN_REPEATED_WORDS) return null;
  let cap = 1024;
  while (cap < n * 2) cap *= 2;
  if (firstSeen.length < cap) {
    firstSeen = new Int32Array(cap);
    seenGen = new Int32Array(cap);
    gen = 0;
  }
  if (++gen > 0x3fffffff) {
    seenGen.fill(0);
    gen = 1;
  }
  if (ngramFirst.length < n) ngramFirst = new Int32Array(Math.max(n, ngramFirst.length * 2));
  const mask = cap - 1;
  const w = tok.word;
  for (let i = 0; i < n; i++) {
    let h = Math.imul(w[i], 0x9e3779b1) ^ Math.imul(w[i + 1], 0x85ebca6b) ^ Math.imul(w[i + 2], 0xc2b2ae35) ^ Math.imul(w[i + 3], 0x27d4eb2f);
    h ^= h >>> 15;
    let slot = h & mask;
    ngramFirst[i] = -1;
    for (;;) {
      if (seenGen[slot] !== gen) {
        seenGen[slot] = gen;
        firstSeen[slot] = i;
        break;
      }
      const f = firstSeen[slot];
      if (w[f] === w[i] && w[f + 1] === w[i + 1] && w[f + 2] === w[i + 2] && w[f + 3] === w[i + 3]) {
        ngramFirst[i] = f;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  // Runs of repeated sequences (gaps of at most MAX_GAP new ones); keep the one that repeats the most words.
  let bestOrigin = -1;
  let bestStart = -1;
  let bestEnd = -1;
  let runStart = -1;
  let lastSeen = -1;
  for (let i = 0; i <= n; i++) {
    const seen = i < n && ngramFirst[i] >= 0;
    if (runStart >= 0 && (i === n || (seen && i - lastSeen > MAX_GAP + 1))) {
      const origin = ngramFirst[runStart];
      const end = lastSeen + 3; // last token of the run
      const repeated = end + 1 - runStart;
      const copies = (end + 1 - origin) / (runStart - origin);
      if (copies >= MIN_COPIES && repeated >= MIN_REPEATED_WORDS && repeated > bestEnd + 1 - bestStart) {
        bestOrigin = origin;
        bestStart = runStart;
        bestEnd = end;
      }
      runStart = -1;
    }
    if (!seen) continue;
    if (runStart < 0) runStart = i;
    lastSeen = i;
  }
  if (bestOrigin < 0) return null;
  const origin = bestOrigin;
  const start = bestStart;
  const end = bestEnd;
  const copies = Math.round((end + 1 - origin) / (start - origin));
  const unit = oneLine(an.raw.slice(tok.start[origin], tok.end[start - 1]), 80);
  return suggest(ME, an.stepRange(origin, end), [tok.start[origin], tok.end[end]], 0.8, `repeats '${unit}' about ${copies} times`);
}

// ---------------------------------------------------------------------------------------------------------------
// Truncation, empty think

const OPEN_ANSWER = /<answer>/i;
const CLOSE_THINK = /<\/think>/i;

function truncated(an: Analysis, input: CheckInput): Suggestion | null {
  if (input.answer !== null) return null;
  const raw = an.raw;
  const openThink = input.thinkStart !== null && !CLOSE_THINK.test(raw);
  const openAnswer = OPEN_ANSWER.test(raw);
  if (!openThink && !openAnswer) return null;
  const last = an.units.length - 1;
  const steps: [number, number] | null = an.stepsReal && last >= 0 ? [last, last] : null;
  const span: [number, number] | null = last >= 0 ? [an.units[last].start, an.units[last].end] : null;
  const tail = oneLine(raw.slice(Math.max(0, raw.length - 60)), 60);
  return suggest(ME, steps, span, 0.9, `stops without ${openAnswer ? 'closing <answer>' : 'closing </think> or an answer'}; ends '${tail}'`);
}

/** The think block with its tags, when the tags sit where the scorer found them. */
function thinkBlock(raw: string, input: CheckInput): [number, number] | null {
  const s = input.thinkStart;
  const e = input.thinkEnd;
  if (s === null || e === null || !Number.isInteger(s) || !Number.isInteger(e) || s < 0 || e < s || e > raw.length) return null;
  const open = s >= 7 && raw.slice(s - 7, s).toLowerCase() === '<think>' ? s - 7 : s;
  const close = raw.slice(e, e + 8).toLowerCase() === '</think>' ? e + 8 : e;
  return [open, close];
}

// ---------------------------------------------------------------------------------------------------------------
// A copy of the question

function questionCopy(an: Analysis): Suggestion | null {
  const tok = an.tok;
  const n = tok.n;
  if (n < MIN_COPY_WORDS) return null;
  const q = an.sample.questionWords;
  if (q.length < 3) return null;
  // Every copied 3-word sequence starts with a word of the question: too few of them, and there is no copy.
  const bloom = an.sample.questionBloom;
  const w = tok.word;
  let inQuestion = 0;
  for (let i = 0; i < n; i++) {
    const b = bloomBit(w[i]);
    if (bloom[b >>> 5] & (1 << (b & 31))) inQuestion++;
  }
  if (inQuestion < COPY_SHARE * (n - 2)) return null;
  const table = (an.sample.questionTriples ??= triples(q));
  const mask = table.length - 1;
  let covered = 0;
  let first = -1;
  let last = -1;
  for (let i = 0; i + 2 < n; i++) {
    let slot = h3(w[i], w[i + 1], w[i + 2]) & mask;
    for (;;) {
      const v = table[slot];
      if (v === 0) break;
      const f = v - 1;
      if (q[f] === w[i] && q[f + 1] === w[i + 1] && q[f + 2] === w[i + 2]) {
        covered++;
        if (first < 0) first = i;
        last = i + 2;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  const share = covered / (n - 2);
  if (share < COPY_SHARE) return null;
  return suggest(ME, an.stepRange(first, last), an.span(first, last), 0.7, `${Math.round(share * 100)}% of the chain repeats the question and its options word for word`);
}

function h3(a: number, b: number, c: number): number {
  const h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b) ^ Math.imul(c, 0xc2b2ae35);
  return h ^ (h >>> 15);
}

/** An open-addressing table of the 3-word sequences of q: slot → start + 1 (0 empty). */
function triples(q: Int32Array): Int32Array {
  let cap = 64;
  while (cap < q.length * 4) cap *= 2;
  const table = new Int32Array(cap);
  const mask = cap - 1;
  for (let i = 0; i + 2 < q.length; i++) {
    let slot = h3(q[i], q[i + 1], q[i + 2]) & mask;
    while (table[slot] !== 0) slot = (slot + 1) & mask;
    table[slot] = i + 1;
  }
  return table;
}
