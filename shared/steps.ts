// Splits a chain of thought into reasoning steps. Pure TypeScript: no Node or Electron imports.
//
// One pass over the region with charCodeAt and a 64K class table; no regex, no substrings and no Intl in the loop.
// Rules (see splitSteps below):
// - every line break ends a step (\n, \r\n, \r, U+2028, U+2029);
// - a numbered marker (`1.`, `2)`, `(3)`, `Step 4:`, `Step 4.`, optionally inside markdown `**…**` / after `#`)
//   at the start of a step stays with its item and its period never ends a sentence;
// - `.` `!` `?` `…` (and runs such as `?!` or `...`) plus any closing quotes/brackets end a sentence when
//   followed by whitespace and then something that is not a lowercase letter;
// - a lone `.` does not end a sentence after a single letter (`A.`, `e.g.`, `i.e.`), after a known abbreviation
//   (`vs.`, `Mr.`, `Dr.`, `approx.`, `cf.`, `Fig.`, …; `No.`/`Nr.` only before a digit);
// - full-width / CJK terminators `。！？．｡` and the dandas `।` `॥` end a sentence with or without whitespace after;
// - inside a step opened by a numbered marker N, a marker N+1 of the same style after whitespace opens a new step
//   (`1. boil water 2. pour it` → two steps).
import type { Step } from './types.ts';

const WS = 1; // JavaScript whitespace: exactly the set String.prototype.trim and /\s/ use
const LB = 2; // line break
const TERM = 4; // sentence terminator that needs whitespace after it
const FULLSTOP = 8; // terminator that ends a sentence even without whitespace (CJK, dandas)
const CLOSER = 16; // closing quote / bracket that stays with the sentence before it
const WORD = 32; // part of the word before a period (for abbreviation and single-letter checks)
const LETTER = 64; // a cased letter (a lone one before a period is an initial or option label)
const MARK = 128; // may begin a numbered marker: digit, '(', 'S', 's', '*', '#'

const T: Uint8Array = buildTable();

function buildTable(): Uint8Array {
  const t = new Uint8Array(0x10000);
  const set = (a: number, b: number, v: number): void => {
    for (let c = a; c <= b; c++) t[c] = v;
  };
  const add = (v: number, ...cs: number[]): void => {
    for (const c of cs) t[c] |= v;
  };
  // Non-ASCII text is word material by default, except punctuation blocks.
  set(0xc0, 0xffff, WORD);
  set(0x2000, 0x2bff, 0); // general punctuation, symbols, arrows, …
  set(0x3000, 0x303f, 0); // CJK symbols and punctuation
  set(0xfe10, 0xfe6f, 0); // vertical / small forms
  set(0xff00, 0xff0f, 0); // full-width punctuation
  set(0xff1a, 0xff20, 0);
  set(0xff3b, 0xff40, 0);
  set(0xff5b, 0xff65, 0);
  t[0xd7] = 0;
  t[0xf7] = 0;
  // Cased letters: ASCII, Latin-1 / Latin Extended, Greek, Cyrillic.
  set(0x41, 0x5a, WORD | LETTER);
  set(0x61, 0x7a, WORD | LETTER);
  set(0xc0, 0x24f, WORD | LETTER);
  set(0x370, 0x3ff, WORD | LETTER);
  set(0x400, 0x52f, WORD | LETTER);
  t[0xd7] = 0;
  t[0xf7] = 0;
  for (const c of [0x374, 0x375, 0x37e, 0x384, 0x385, 0x387]) t[c] = 0;
  set(0x30, 0x39, WORD | MARK);
  add(WORD, 0x27, 0x2019); // apostrophes inside words: don't., it’s.
  add(MARK, 0x28, 0x53, 0x73, 0x2a, 0x23); // ( S s * #
  // Whitespace (ECMAScript WhiteSpace + LineTerminator).
  for (const c of [0x09, 0x0b, 0x0c, 0x20, 0xa0, 0x1680, 0x202f, 0x205f, 0x3000, 0xfeff]) t[c] = WS;
  set(0x2000, 0x200a, WS);
  for (const c of [0x0a, 0x0d, 0x2028, 0x2029]) t[c] = WS | LB;
  // Terminators.
  for (const c of [0x2e, 0x21, 0x3f, 0x2026, 0x203c, 0x2047, 0x2048, 0x2049, 0x061f, 0x06d4]) t[c] = TERM;
  for (const c of [0x3002, 0xff01, 0xff1f, 0xff0e, 0xff61, 0x0964, 0x0965, 0x0589, 0x1362, 0x1367, 0x104b]) {
    t[c] = FULLSTOP;
  }
  // Closing quotes and brackets (and markdown emphasis).
  add(
    CLOSER,
    0x22, 0x27, 0x29, 0x5d, 0x7d, 0x2a, 0xbb, 0x2018, 0x2019, 0x201c, 0x201d, 0x203a,
    0x3009, 0x300b, 0x300d, 0x300f, 0x3011, 0x3015, 0x3017, 0x3019, 0x301b, 0x301e, 0x301f,
    0xff02, 0xff07, 0xff09, 0xff3d, 0xff5d, 0xff63,
  );
  return t;
}

// Abbreviations keyed by a base-27 hash of their lowercase letters: 1 = never ends a sentence, 2 = only before a digit.
const ABBREV = new Map<number, number>();

function abbrevKey(s: string): number {
  let h = 0;
  for (let k = 0; k < s.length; k++) h = h * 27 + (s.charCodeAt(k) - 96);
  return h;
}

for (const a of [
  'vs', 'mr', 'mrs', 'ms', 'dr', 'prof', 'st', 'jr', 'sr', 'approx', 'appr', 'cf', 'fig', 'figs', 'eq', 'eqs',
  'vol', 'ch', 'sec', 'al', 'ca', 'resp', 'viz', 'eg', 'ie', 'pp', 'ref', 'refs', 'incl', 'esp', 'sq', 'bzw',
  'usw', 'ggf', 'vgl', 'sr', 'sra', 'srta', 'ud', 'uds',
]) {
  ABBREV.set(abbrevKey(a), 1);
}
for (const a of ['no', 'nos', 'nr', 'num']) ABBREV.set(abbrevKey(a), 2);

const LOWER = /\p{Ll}/uy;

function isLower(raw: string, m: number, c: number): boolean {
  if (c < 0x80) return c >= 0x61 && c <= 0x7a;
  LOWER.lastIndex = m;
  return LOWER.test(raw);
}

function isDigitAny(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0xff10 && c <= 0xff19);
}

function isSpace(c: number): boolean {
  return (T[c] & (WS | LB)) === WS;
}

// Result registers of parseMarker (avoids allocating a tuple per call).
let gNum = 0;
let gStyle = 0;

/**
 * Parses a numbered marker at p: `1.` `2)` `(3)` `Step 4:` `Step 4.` `Step 4)`, optionally after `#`/`*` and spaces
 * and followed by `*`s, then whitespace or the region end. Returns the offset after the marker, or -1.
 */
function parseMarker(raw: string, p: number, hi: number): number {
  let q = p;
  let c = raw.charCodeAt(q);
  if (c === 0x23 || c === 0x2a) {
    while (c === 0x23 || c === 0x2a) {
      if (++q >= hi) return -1;
      c = raw.charCodeAt(q);
    }
    while (isSpace(c)) {
      if (++q >= hi) return -1;
      c = raw.charCodeAt(q);
    }
  }
  let style = 1;
  if (c === 0x28) {
    style = 3;
    if (++q >= hi) return -1;
    c = raw.charCodeAt(q);
  } else if (
    (c | 0x20) === 0x73 &&
    q + 5 < hi &&
    (raw.charCodeAt(q + 1) | 0x20) === 0x74 &&
    (raw.charCodeAt(q + 2) | 0x20) === 0x65 &&
    (raw.charCodeAt(q + 3) | 0x20) === 0x70 &&
    isSpace(raw.charCodeAt(q + 4))
  ) {
    style = 4;
    q += 4;
    c = raw.charCodeAt(q);
    while (isSpace(c)) {
      if (++q >= hi) return -1;
      c = raw.charCodeAt(q);
    }
  }
  const d0 = q;
  let num = 0;
  while (c >= 0x30 && c <= 0x39) {
    if (q - d0 === 3) return -1;
    num = num * 10 + (c - 0x30);
    if (++q >= hi) return -1;
    c = raw.charCodeAt(q);
  }
  if (q === d0) return -1;
  if (style === 3) {
    if (c !== 0x29) return -1;
  } else if (c === 0x29) {
    if (style === 1) style = 2;
  } else if (c !== 0x2e && !(c === 0x3a && style === 4)) {
    return -1;
  }
  q++;
  while (q < hi && raw.charCodeAt(q) === 0x2a) q++;
  if (q < hi && !(T[raw.charCodeAt(q)] & WS)) return -1;
  gNum = num;
  gStyle = style;
  return q;
}

/**
 * Whether a Western terminator run starting at i (a lone '.' when `single`) ends a sentence, given that the next
 * non-whitespace character is at m. The word before the period is looked for no further back than `start`.
 */
function endsSentence(raw: string, single: boolean, i: number, start: number, m: number): boolean {
  const n = raw.charCodeAt(m);
  if (isLower(raw, m, n)) return false;
  if (!single) return true;
  let s = i;
  while (s > start && T[raw.charCodeAt(s - 1)] & WORD) s--;
  const len = i - s;
  if (len === 0) return true;
  if (len === 1) return !(T[raw.charCodeAt(s)] & LETTER);
  if (len <= 6) {
    let h = 0;
    for (let k = s; k < i; k++) {
      const c = raw.charCodeAt(k) | 0x20;
      if (c < 0x61 || c > 0x7a) return true;
      h = h * 27 + (c - 0x60);
    }
    const kind = ABBREV.get(h);
    if (kind === 1) return false;
    if (kind === 2 && isDigitAny(n)) return false;
  }
  return true;
}

function clampIndex(v: number | undefined, dflt: number, len: number): number {
  if (typeof v !== 'number' || v !== v) return dflt;
  if (v <= 0) return 0;
  if (v >= len) return len;
  return Math.floor(v);
}

/**
 * Splits `raw.slice(from, to)` into reasoning steps. Offsets are into `raw`; each step is trimmed and non-empty,
 * steps are in order and never overlap. `from`/`to` default to 0 and `raw.length`; they are clamped to the string,
 * NaN counts as absent, and a reversed range gives []. Never throws.
 */
export function splitSteps(raw: string, from?: number, to?: number): Step[] {
  const steps: Step[] = [];
  if (typeof raw !== 'string') return steps;
  const len = raw.length;
  const lo = clampIndex(from, 0, len);
  const hi = clampIndex(to, len, len);
  let start = -1; // first character of the open step, or -1
  let end = 0; // offset after the last non-whitespace character of the open step
  let mNum = -1; // number of the marker that opened the step, or -1
  let mStyle = 0;
  let i = lo;
  while (i < hi) {
    const c = raw.charCodeAt(i);
    const t = T[c];
    if (t & WS) {
      if (t & LB && start >= 0) {
        steps.push({ index: steps.length, start, end });
        start = -1;
      }
      i++;
      continue;
    }
    if (start < 0) {
      start = i;
      mNum = -1;
      if (t & MARK) {
        const q = parseMarker(raw, i, hi);
        if (q > 0) {
          mNum = gNum;
          mStyle = gStyle;
          end = i = q;
          continue;
        }
      }
    } else if (t & MARK && mNum >= 0 && T[raw.charCodeAt(i - 1)] & WS) {
      const q = parseMarker(raw, i, hi);
      if (q > 0 && gNum === mNum + 1 && gStyle === mStyle) {
        steps.push({ index: steps.length, start, end });
        start = i;
        mNum = gNum;
        end = i = q;
        continue;
      }
    }
    if (t & (TERM | FULLSTOP)) {
      let k = i + 1;
      let full = (t & FULLSTOP) !== 0;
      let single = c === 0x2e;
      while (k < hi) {
        const tk = T[raw.charCodeAt(k)];
        if (!(tk & (TERM | FULLSTOP))) break;
        if (tk & FULLSTOP) full = true;
        single = false;
        k++;
      }
      // A full-width point between digits (３．５) is a decimal point.
      if (
        c === 0xff0e &&
        k === i + 1 &&
        k < hi &&
        i > start &&
        isDigitAny(raw.charCodeAt(i - 1)) &&
        isDigitAny(raw.charCodeAt(k))
      ) {
        end = ++i;
        continue;
      }
      while (k < hi && T[raw.charCodeAt(k)] & CLOSER) k++;
      const r = i; // where the terminator run begins
      end = k;
      i = k;
      if (k >= hi) continue;
      if (full) {
        steps.push({ index: steps.length, start, end });
        start = -1;
        continue;
      }
      if (!(T[raw.charCodeAt(k)] & WS)) continue;
      let m = k;
      let tm = 0;
      while (m < hi) {
        tm = T[raw.charCodeAt(m)];
        if (!(tm & WS) || tm & LB) break;
        m++;
      }
      // At a line break or the region end the step closes anyway.
      if (m >= hi || tm & LB) continue;
      if (endsSentence(raw, single, r, start, m)) {
        steps.push({ index: steps.length, start, end });
        start = -1;
        i = m;
      }
      continue;
    }
    // Hot path: run through the rest of the word; only whitespace and terminators need a decision.
    i++;
    while (i < hi && !(T[raw.charCodeAt(i)] & (WS | TERM | FULLSTOP))) i++;
    end = i;
  }
  if (start >= 0) steps.push({ index: steps.length, start, end });
  return steps;
}
