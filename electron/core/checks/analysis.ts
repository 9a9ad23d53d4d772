// What every check reads from one input, worked out once and shared: the chain's tokens by step and clause, the
// options', narration's and goal's content stems, and the mentions of options and narrated steps in the chain with
// their polarity (affirmed, rejected, deferred, "not yet") and whether they conclude. Pure TypeScript.
import { reasoningSpan } from '../../../shared/scoring.ts';
import { splitSteps } from '../../../shared/steps.ts';
import { LETTERS, type Letter } from '../../../shared/types.ts';
import {
  T_LABEL,
  T_LETTER,
  T_LETTER_SHIFT,
  T_PAREN,
  T_SENTENCE,
  Tokens,
  W_CLAUSE,
  W_COMMIT,
  W_DEFER,
  W_DEFER_POST,
  W_DIGIT,
  W_FAR,
  W_GENERIC,
  W_LETTER_CTX,
  W_LETTER_POST,
  W_NEG,
  W_PARTICLE,
  W_REJECT,
  W_REJECT_POST,
  W_REJECT_PRE,
  W_SO,
  W_STATE,
  W_STOP,
  contentStems,
  lexiconEpoch,
  lexiconSize,
  trimLexicon,
  wordIds,
} from './text.ts';
import type { CheckInput } from './types.ts';

export const POS = 0; // affirmed
export const NEG = 1; // rejected: "X is not…", "rule out X", "X is unlikely", "instead of X", "X is already done"
export const DEFER = 2; // put before or after something else: "before X", "X later"
export const NOT_YET = 3; // negated as a state, not as a choice: "X has not been done yet", "I don't see X"

export interface Mention {
  /** option index 0–3, or narration index */
  target: number;
  /** first and last token, inclusive */
  a: number;
  b: number;
  letter: boolean;
  /** all the target's content words are there (a letter counts as full) */
  full: boolean;
  polarity: number;
  /** the token that decided the polarity, or -1 */
  cue: number;
  /** in a clause that concludes (next, should, so, answer…), or a letter named as the answer, or an imperative */
  commit: boolean;
  /** part of a list of the options, not a statement about one */
  listing: boolean;
}

export interface OptionInfo {
  index: number;
  letter: Letter;
  text: string;
  stems: number[];
}

export interface NarrationInfo {
  index: number;
  text: string;
  start: number;
  stop: number;
  stems: number[];
}

export interface Unit {
  start: number;
  end: number;
}

/** Narrated steps beyond this many (the oldest) are not looked for in the chain. */
const MAX_NARRATION = 30;

export class Analysis {
  readonly raw: string;
  /** the reasoning: the think content, else everything before the first <answer> */
  readonly region: [number, number];
  /** the steps the checks read (the input's, when they are consistent with raw) */
  readonly units: readonly Unit[];
  /** whether units are the input's steps (so a suggestion may point at them by index) */
  readonly stepsReal: boolean;
  readonly tok: Tokens;
  readonly options: OptionInfo[];
  readonly narration: NarrationInfo[];
  readonly goalStems: number[];
  /** the goal's content stems without generic verbs (make, put, get…), or all of them when that leaves none */
  readonly goalSpecific: number[];
  readonly sample: SampleData;
  private optionMentionList: Mention[] | null = null;
  private narrationMentionList: Mention[] | null = null;

  constructor(readonly input: CheckInput, tok: Tokens) {
    const raw = typeof input.raw === 'string' ? input.raw : '';
    this.raw = raw;
    this.region = regionOf(input, raw);
    const sample = sampleOf(input);
    this.options = sample.options;
    this.narration = sample.narration;
    this.goalStems = sample.goalStems;
    this.goalSpecific = sample.goalSpecific;
    this.sample = sample;
    const steps = input.steps;
    this.stepsReal = stepsFit(steps, raw.length) && steps.length > 0;
    this.units = this.stepsReal ? steps : splitSteps(raw, this.region[0], this.region[1]);
    this.tok = tok;
    tok.reset();
    const units = this.units;
    for (let u = 0; u < units.length; u++) tok.addUnit(raw, units[u].start, units[u].end);
    prepareClauses(tok);
    this.candidates = candidatesOf(tok, this);
  }

  /** Tokens whose stem is a content word of an option, a narrated step or the goal (the only ones a match can use). */
  readonly candidates: number[];

  option(k: number): OptionInfo | undefined {
    for (const o of this.options) if (o.index === k) return o;
    return undefined;
  }

  /** Mentions of the options (by letter or by their text), in the order they start. */
  optionMentions(): Mention[] {
    if (this.optionMentionList === null) this.optionMentionList = findOptionMentions(this);
    return this.optionMentionList;
  }

  /** Mentions of the narrated steps, in the order they start. */
  narrationMentions(): Mention[] {
    if (this.narrationMentionList === null) {
      const list: Mention[] = [];
      for (const n of this.narration) textMentions(this.tok, this.candidates, n.index, n.stems, list);
      list.sort(byStart);
      for (const m of list) setPolarity(this.tok, m);
      this.narrationMentionList = list;
    }
    return this.narrationMentionList;
  }

  /** The step index a token's unit stands for, or null when units are not the input's steps. */
  stepOf(token: number): number | null {
    return this.stepsReal ? this.tok.unit[token] : null;
  }

  stepRange(a: number, b: number): [number, number] | null {
    if (!this.stepsReal) return null;
    const x = this.tok.unit[a];
    const y = this.tok.unit[b];
    return x <= y ? [x, y] : [y, x];
  }

  span(a: number, b: number): [number, number] {
    const s = Math.min(this.tok.start[a], this.tok.start[b]);
    const e = Math.max(this.tok.end[a], this.tok.end[b]);
    return [s, e];
  }

  /** Whether some token of the chain has one of these stems. */
  mentionsAnyStem(stems: readonly number[]): boolean {
    if (stems.length === 0) return false;
    for (const k of this.candidates) if (stems.includes(this.tok.stem[k])) return true;
    return false;
  }
}

let stamp = new Int32Array(1024);
let stampGen = 0;
// Reused by every analysis: only one is alive at a time (runChecks forgets it when it returns).
const candidateBuf: number[] = [];

function candidatesOf(tok: Tokens, an: Analysis): number[] {
  const size = lexiconSize();
  if (stamp.length < size) {
    let cap = stamp.length;
    while (cap < size) cap *= 2;
    stamp = new Int32Array(cap);
    stampGen = 0;
  }
  if (++stampGen > 0x3fffffff) {
    stamp.fill(0);
    stampGen = 1;
  }
  const g = stampGen;
  const all = an.sample.allStems;
  for (let i = 0; i < all.length; i++) stamp[all[i]] = g;
  const out = candidateBuf;
  out.length = 0;
  for (let k = 0; k < tok.n; k++) {
    if (stamp[tok.stem[k]] === g && !(tok.cls[k] & W_STOP)) out.push(k);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// What the checks read of a sample, worked out once for all its responses (the importer hands every response of a
// sample the same options object).

export interface SampleData {
  options: OptionInfo[];
  narration: NarrationInfo[];
  goalStems: number[];
  goalSpecific: number[];
  /** the goal's and every narrated step's content stems */
  related: Set<number>;
  /** every content stem of the options, the narration and the goal */
  allStems: Int32Array;
  /** what the last narrated step acts on: its content stems after the verb, particles left out (all, if none) */
  lastObjects: number[];
  /** word ids of the question followed by the options' texts */
  questionWords: Int32Array;
  /** the question's 3-word sequences, for the degenerate check (built when first needed) */
  questionTriples: Int32Array | null;
  /** a 1024-bit filter of questionWords: a word not in it is not in the question */
  questionBloom: Int32Array;
}

interface SampleKey {
  epoch: number;
  question: unknown;
  goal: unknown;
  narration: unknown;
  A: unknown;
  B: unknown;
  C: unknown;
  D: unknown;
  data: SampleData;
}

const samples = new WeakMap<object, SampleKey>();

function sampleOf(input: CheckInput): SampleData {
  const opts = (input.options && typeof input.options === 'object' ? input.options : {}) as Record<string, unknown>;
  const key = input.options && typeof input.options === 'object' ? (input.options as object) : null;
  const got = key ? samples.get(key) : undefined;
  if (
    got && got.epoch === lexiconEpoch && got.question === input.question && got.goal === input.goal &&
    got.narration === input.narration && got.A === opts.A && got.B === opts.B && got.C === opts.C && got.D === opts.D
  ) {
    return got.data;
  }
  const options: OptionInfo[] = [];
  let texts = '';
  for (let k = 0; k < 4; k++) {
    const text = opts[LETTERS[k]];
    if (typeof text === 'string') {
      options.push({ index: k, letter: LETTERS[k], text, stems: contentStems(text) });
      texts += `\n${LETTERS[k]}. ${text}`;
    }
  }
  const narration: NarrationInfo[] = [];
  const narr = Array.isArray(input.narration) ? input.narration : [];
  for (let j = Math.max(0, narr.length - MAX_NARRATION); j < narr.length; j++) {
    const n = narr[j];
    if (!n || typeof n.text !== 'string') continue;
    const frame = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
    narration.push({ index: j, text: n.text, start: frame(n.start_frame), stop: frame(n.stop_frame), stems: contentStems(n.text) });
  }
  const goal = typeof input.goal === 'string' ? input.goal : '';
  const goalStems = contentStems(goal);
  const specific = contentStems(goal, W_STOP | W_GENERIC);
  const question = typeof input.question === 'string' ? input.question : '';
  const related = new Set<number>(goalStems);
  for (const n of narration) for (const st of n.stems) related.add(st);
  const data: SampleData = {
    options,
    narration,
    goalStems,
    goalSpecific: specific.length ? specific : goalStems,
    related,
    lastObjects: lastObjectsOf(narration),
    allStems: Int32Array.from(new Set([...options.flatMap((o) => o.stems), ...related])),
    questionWords: wordIds(question + texts),
    questionTriples: null,
    questionBloom: new Int32Array(32),
  };
  for (const w of data.questionWords) {
    const b = bloomBit(w);
    data.questionBloom[b >>> 5] |= 1 << (b & 31);
  }
  if (key) {
    samples.set(key, {
      epoch: lexiconEpoch, question: input.question, goal: input.goal, narration: input.narration,
      A: opts.A, B: opts.B, C: opts.C, D: opts.D, data,
    });
  }
  return data;
}

/** The bit of a word id in a 1024-bit filter. */
export function bloomBit(w: number): number {
  return Math.imul(w, 0x9e3779b1) >>> 22;
}

function lastObjectsOf(narration: NarrationInfo[]): number[] {
  const last = narration[narration.length - 1];
  if (!last) return [];
  const stems = contentStems(last.text, W_STOP | W_PARTICLE);
  return stems.length >= 2 ? stems.slice(1) : stems.length ? stems : last.stems;
}

function byStart(x: Mention, y: Mention): number {
  return x.a - y.a || x.b - y.b || x.target - y.target;
}

function regionOf(input: CheckInput, raw: string): [number, number] {
  const len = raw.length;
  const s = input.thinkStart;
  const e = input.thinkEnd;
  if (Number.isInteger(s) && Number.isInteger(e) && (s as number) >= 0 && (s as number) <= (e as number) && (e as number) <= len) {
    return [s as number, e as number];
  }
  try {
    return reasoningSpan(raw, { thinkStart: null, thinkEnd: null });
  } catch {
    return [0, len];
  }
}

/** Whether the input's steps are ordered, non-overlapping spans of raw. */
function stepsFit(steps: CheckInput['steps'], len: number): boolean {
  if (!Array.isArray(steps)) return false;
  let prev = 0;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (!s || !Number.isInteger(s.start) || !Number.isInteger(s.end)) return false;
    if (s.start < prev || s.end < s.start || s.end > len) return false;
    prev = s.end;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Clauses: which ones conclude

let clauseCommit = new Uint8Array(64);
let clauseFirst = new Int32Array(64);

function prepareClauses(tok: Tokens): void {
  if (clauseCommit.length < tok.clauses + 1) {
    let cap = clauseCommit.length;
    while (cap < tok.clauses + 1) cap *= 2;
    clauseCommit = new Uint8Array(cap);
    clauseFirst = new Int32Array(cap);
  } else {
    clauseCommit.fill(0, 0, tok.clauses + 1);
  }
  let prev = -1;
  for (let k = 0; k < tok.n; k++) {
    const c = tok.clause[k];
    if (c !== prev) {
      clauseFirst[c] = k;
      prev = c;
    }
    const cls = tok.cls[k];
    if (cls & W_COMMIT) {
      // "so far" recounts; it does not conclude.
      if (cls & W_SO && k + 1 < tok.n && tok.cls[k + 1] & W_FAR) continue;
      clauseCommit[c] = 1;
    }
  }
}

/** Whether the clause of token k concludes, or follows a short clause that does ("So, close the tap."). */
function concludes(tok: Tokens, k: number): boolean {
  const c = tok.clause[k];
  if (clauseCommit[c]) return true;
  if (c === 0) return false;
  const f = clauseFirst[c];
  if (f === 0 || tok.unit[f - 1] !== tok.unit[k] || !clauseCommit[c - 1]) return false;
  return f - clauseFirst[c - 1] <= 3;
}

// ---------------------------------------------------------------------------------------------------------------
// Mentions

const hitPos: number[] = [];
const hitStem: number[] = [];
let counts = new Int32Array(64);
let usedBuf = new Uint8Array(256);

/**
 * Mentions of one target (stems in any order, within one step, spanning at most 2m + 3 tokens for m stems): full
 * matches (minimal windows, left to right) and, for targets of three or more stems, partial matches of at least two
 * thirds of them among the tokens left over.
 */
function textMentions(tok: Tokens, cand: readonly number[], target: number, stems: readonly number[], out: Mention[]): void {
  const m = stems.length;
  if (m === 0) return;
  hitPos.length = 0;
  hitStem.length = 0;
  for (const k of cand) {
    const i = stems.indexOf(tok.stem[k]);
    if (i >= 0) {
      hitPos.push(k);
      hitStem.push(i);
    }
  }
  if (hitPos.length === 0) return;
  if (counts.length < m) counts = new Int32Array(m * 2);
  const width = 2 * m + 3;
  if (usedBuf.length < hitPos.length) usedBuf = new Uint8Array(hitPos.length * 2);
  const used = usedBuf;
  used.fill(0, 0, hitPos.length);
  // Within one clause first, so that "add salt, then fill the pot with water" reads as "add salt" and "fill the pot
  // with water", not as "add salt … water"; then across the clauses of a step.
  windows(tok, m, m, width, used, target, true, true, out);
  if (m >= 3) windows(tok, m, Math.ceil((2 * m) / 3), width, used, target, false, true, out);
  windows(tok, m, m, width, used, target, true, false, out);
}

function windows(
  tok: Tokens,
  m: number,
  need: number,
  width: number,
  used: Uint8Array,
  target: number,
  full: boolean,
  sameClause: boolean,
  out: Mention[],
): void {
  const scope = sameClause ? tok.clause : tok.unit;
  counts.fill(0, 0, m);
  let distinct = 0;
  let l = 0;
  const H = hitPos.length;
  for (let r = 0; r < H; r++) {
    if (used[r]) {
      // A used hit splits the windows: start again after it.
      for (let x = l; x < r; x++) if (!used[x] && --counts[hitStem[x]] === 0) distinct--;
      l = r + 1;
      continue;
    }
    const pr = hitPos[r];
    while (l < r && (used[l] || scope[hitPos[l]] !== scope[pr] || pr - hitPos[l] + 1 > width)) {
      if (!used[l] && --counts[hitStem[l]] === 0) distinct--;
      l++;
    }
    if (counts[hitStem[r]]++ === 0) distinct++;
    if (distinct < need) continue;
    // Shrink from the left while the window keeps every stem it has.
    while (l < r && (used[l] || counts[hitStem[l]] > 1)) {
      if (!used[l]) counts[hitStem[l]]--;
      l++;
    }
    out.push({
      target, a: hitPos[l], b: pr, letter: false, full, polarity: POS, cue: -1, commit: false, listing: false,
    });
    for (let x = l; x <= r; x++) used[x] = 1;
    counts.fill(0, 0, m);
    distinct = 0;
    l = r + 1;
  }
}

function findOptionMentions(an: Analysis): Mention[] {
  const tok = an.tok;
  const list: Mention[] = [];
  for (const o of an.options) textMentions(tok, an.candidates, o.index, o.stems, list);
  // Text mentions by their first token, to find a label's text without a pass over all of them (built only when a
  // label asks, and only for long chains).
  const texts = list.length;
  let textAt: Map<number, Mention[]> | null = null;
  const textsAt = (a: number): Mention[] => {
    if (texts <= 32) return list.slice(0, texts).filter((t) => t.a === a);
    if (textAt === null) {
      textAt = new Map();
      for (let i = 0; i < texts; i++) {
        const t = list[i];
        const at = textAt.get(t.a);
        if (at) at.push(t);
        else textAt.set(t.a, [t]);
      }
    }
    return textAt.get(a) ?? [];
  };
  // Letters: "(B)", "option B", "answer is B", "B is correct", bare B/C/D, and "A." / "A)" labels.
  for (let k = 0; k < tok.n; k++) {
    const f = tok.flags[k];
    if (!(f & T_LETTER)) continue;
    const letter = (f >> T_LETTER_SHIFT) & 3;
    let ctx = (f & T_PAREN) !== 0;
    const u = tok.unit[k];
    for (let j = k - 1; !ctx && j >= 0 && j >= k - 3 && tok.unit[j] === u; j--) {
      if (tok.cls[j] & W_LETTER_CTX) ctx = true;
    }
    for (let j = k + 1; !ctx && j < tok.n && j <= k + 2 && tok.unit[j] === u; j++) {
      if (tok.cls[j] & W_LETTER_POST) ctx = true;
    }
    if (!ctx && letter === 0 && !(f & T_LABEL)) continue; // "A" is an article unless labelled or named as an answer
    const m: Mention = { target: letter, a: k, b: k, letter: true, full: true, polarity: POS, cue: -1, commit: ctx, listing: false };
    // A label directly followed by its option's text is an entry of a list ("B. put coffee into cup"), unless it is
    // named as the answer ("the answer is B. put coffee into cup").
    if (f & T_LABEL && !ctx && !concludes(tok, k)) {
      for (let a = k + 1; a <= k + 2; a++) {
        for (const t of textsAt(a)) {
          if (t.target === letter && tok.unit[a] === u) {
            m.listing = true;
            t.listing = true;
          }
        }
      }
    }
    list.push(m);
  }
  list.sort(byStart);
  for (const m of list) {
    setPolarity(tok, m);
    if (!m.commit) m.commit = concludes(tok, m.a) || concludes(tok, m.b) || imperative(an, m);
  }
  markListings(tok, list);
  return list;
}

/** "Close the tap." — a step that opens with the option's verb proposes it. */
function imperative(an: Analysis, m: Mention): boolean {
  if (m.letter) return false;
  const tok = an.tok;
  const u = tok.unit[m.a];
  let first = tok.unitFirst[u];
  while (first < m.a && tok.cls[first] & W_DIGIT) first++;
  if (first !== m.a) return false;
  const o = an.option(m.target);
  return o !== undefined && o.stems[0] === tok.stem[m.a];
}

/** A step naming three or more options lists them; only a clause about one option that concludes or rejects counts. */
function markListings(tok: Tokens, list: Mention[]): void {
  let i = 0;
  while (i < list.length) {
    const u = tok.unit[list[i].a];
    let j = i;
    let seen = 0;
    while (j < list.length && tok.unit[list[j].a] === u) seen |= 1 << list[j++].target;
    if (popcount(seen) >= 3) {
      // Mentions are in token order, so each clause's mentions are one run.
      let x = i;
      while (x < j) {
        const c = tok.clause[list[x].a];
        let y = x;
        let targets = 0;
        while (y < j && tok.clause[list[y].a] === c) targets |= 1 << list[y++].target;
        const alone = popcount(targets) === 1;
        for (let z = x; z < y; z++) {
          const m = list[z];
          const cued = m.polarity === NEG || (m.commit && clauseCommit[c] === 1);
          if (!(alone && cued)) m.listing = true;
        }
        x = y;
      }
    }
    i = j;
  }
}

function popcount(x: number): number {
  let c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}

/**
 * Polarity from the words around a mention in its clause: up to 4 tokens before, the tokens inside, up to 5 after. A
 * rejection cue wins; a negation is a rejection unless a state word makes it "not (done / seen) yet"; then deferral.
 */
function setPolarity(tok: Tokens, m: Mention): void {
  const { a, b } = m;
  const u = tok.unit[a];
  let reject = -1;
  let neg = -1;
  let state = false;
  let defer = -1;
  const ca = tok.clause[a];
  for (let j = a - 1; j >= 0 && j >= a - 4 && tok.clause[j] === ca; j--) {
    const c = tok.cls[j];
    if (c & (W_REJECT | W_REJECT_PRE) && reject < 0) reject = j;
    if (c & W_NEG && neg < 0) neg = j;
    if (c & W_STATE) state = true;
    if (c & W_DEFER && j >= a - 2 && defer < 0) defer = j;
  }
  for (let j = a; j <= b; j++) {
    const c = tok.cls[j];
    if (c & W_REJECT && reject < 0) reject = j;
    if (c & W_NEG && neg < 0) neg = j;
    if (c & W_STATE) state = true;
  }
  const cb = tok.clause[b];
  for (let j = b + 1; j < tok.n && j <= b + 5 && tok.unit[j] === u && tok.clause[j] === cb; j++) {
    const c = tok.cls[j];
    if (c & (W_REJECT | W_REJECT_POST) && reject < 0) reject = j;
    if (c & W_NEG && neg < 0) neg = j;
    if (c & W_STATE) state = true;
    if (c & W_DEFER_POST && defer < 0) defer = j;
  }
  if (reject >= 0) {
    m.polarity = NEG;
    m.cue = reject;
  } else if (neg >= 0) {
    m.polarity = state ? NOT_YET : NEG;
    m.cue = neg;
  } else if (defer >= 0) {
    m.polarity = DEFER;
    m.cue = defer;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Conclusions

export interface Commitment {
  /** the last concluding mention */
  last: Mention;
  /** every option concluded in the same step (bit k for option k) */
  optionsInStep: number;
}

/**
 * The option the chain commits to last: the last affirmed, concluding, non-listing mention of an option; with every
 * option concluded in the same sentence (a step may hold several: the splitter keeps "the answer is B. Wait, …"
 * together).
 */
export function lastCommitment(an: Analysis): Commitment | null {
  const list = an.optionMentions();
  const tok = an.tok;
  for (let i = list.length - 1; i >= 0; i--) {
    const m = list[i];
    if (!isCommitment(m)) continue;
    const u = tok.unit[m.a];
    let from = m.a;
    while (from > tok.unitFirst[u] && !(tok.flags[from] & T_SENTENCE)) from--;
    let set = 0;
    for (let j = i; j >= 0 && list[j].a >= from; j--) if (isCommitment(list[j])) set |= 1 << list[j].target;
    for (let j = i + 1; j < list.length && tok.unit[list[j].a] === u; j++) if (isCommitment(list[j])) set |= 1 << list[j].target;
    return { last: m, optionsInStep: set };
  }
  return null;
}

export function isCommitment(m: Mention): boolean {
  return m.commit && m.polarity === POS && !m.listing;
}

/** Whether an option's text and a narrated step's text name the same action (stems equal, one spare word in long ones). */
export function sameAction(a: readonly number[], b: readonly number[]): boolean {
  if (a.length === 0 || b.length === 0) return false;
  let common = 0;
  for (const s of a) if (b.includes(s)) common++;
  const longest = Math.max(a.length, b.length);
  return common >= longest - (longest >= 4 ? 1 : 0);
}

// ---------------------------------------------------------------------------------------------------------------
// One analysis per input, shared by the checks that read it

const tokens = new Tokens();
let last: { input: CheckInput; raw: string; steps: unknown; epoch: number; analysis: Analysis } | null = null;

/** The analysis of `input`, reused while the same input object (same raw text and steps) is asked about again. */
export function analyse(input: CheckInput): Analysis {
  if (last && last.input === input && last.raw === input.raw && last.steps === input.steps && last.epoch === lexiconEpoch) {
    return last.analysis;
  }
  last = null;
  trimLexicon();
  const analysis = new Analysis(input, tokens);
  last = { input, raw: input.raw, steps: input.steps, epoch: lexiconEpoch, analysis };
  return analysis;
}

/** Forgets the cached analysis (the token buffers are reused by the next one). */
export function forgetAnalysis(): void {
  last = null;
}

export { lexiconSize };
