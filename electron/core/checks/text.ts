// Text helpers shared by the checks: a tokenizer over char codes, a word lexicon with cached stems and word classes,
// and a small English stemmer. Pure TypeScript.
//
// Why plain code and not an NLP library: the checks run on every imported response inside the parse worker, where
// every microsecond per response is paid a million times over; wink-nlp spends several times what all the checks cost
// just reading one chain (docs/checks.md has the figures). What the checks need from language is narrow — words, clause breaks, a stem that
// makes "wrung out"/"wring", "pegging"/"peg" and "corners"/"corner" equal, and a few word classes (negation,
// conclusion cues) — and a lexicon that interns each word once and caches its stem and classes makes that cost a hash
// and a compare per token.

// ---------------------------------------------------------------------------------------------------------------
// Character classes

const C_WORD = 1; // part of a word
const C_APOS = 2; // apostrophe: part of a word when between word characters (don't, it’s)
const C_BREAK = 4; // ends a clause: , ; : ( ) [ ] { } — – and sentence terminators
const C_UPPER = 8; // ASCII uppercase
const C_END = 16; // ends a sentence: . ! ?

const CLS: Uint8Array = (() => {
  const t = new Uint8Array(0x10000);
  const set = (a: number, b: number, v: number): void => {
    for (let c = a; c <= b; c++) t[c] = v;
  };
  // Non-ASCII text is word material by default, except punctuation, symbol and space blocks.
  set(0xc0, 0xffff, C_WORD);
  set(0x2000, 0x2bff, 0);
  set(0x3000, 0x303f, 0);
  set(0xfe10, 0xfe6f, 0);
  set(0xff00, 0xff0f, 0);
  set(0xff1a, 0xff20, 0);
  set(0xff3b, 0xff40, 0);
  set(0xff5b, 0xff65, 0);
  t[0xd7] = 0;
  t[0xf7] = 0;
  t[0xfeff] = 0;
  t[0x1680] = 0;
  set(0x30, 0x39, C_WORD);
  set(0x61, 0x7a, C_WORD);
  set(0x41, 0x5a, C_WORD | C_UPPER);
  t[0x27] = C_APOS;
  t[0x2019] = C_APOS;
  for (const c of ',;:()[]{}') t[c.charCodeAt(0)] = C_BREAK;
  for (const c of '.!?') t[c.charCodeAt(0)] = C_BREAK | C_END;
  for (const c of [0x2013, 0x2014, 0x2026, 0x3001, 0x3002, 0xff0c, 0xff1b, 0xff1a, 0xff01, 0xff1f]) t[c] = C_BREAK;
  return t;
})();

// ---------------------------------------------------------------------------------------------------------------
// Word classes

export const W_STOP = 1; // function word: not a content word when matching option or narration text
export const W_NEG = 2; // not, no, never, n't forms, cannot, without
export const W_STATE = 4; // marks a negation as "not done / not seen yet" rather than a rejection (yet, been, see, …)
export const W_REJECT = 8; // rejects what it is next to, before or after (unlikely, wrong, ruled, already, …)
export const W_REJECT_PRE = 16; // rejects what follows (instead of X, rather than X, avoid X)
export const W_REJECT_POST = 32; // rejects what precedes (X is done / finished)
export const W_DEFER = 64; // puts what follows later or earlier: before, after, until, once
export const W_DEFER_POST = 128; // puts what precedes later: X later / afterwards / can wait
export const W_COMMIT = 256; // a conclusion cue: next, should, so, therefore, answer, best, need, …
export const W_LETTER_CTX = 512; // makes a following letter an option reference: option, choice, answer, …
export const W_LETTER_POST = 1024; // makes a preceding letter an option reference: correct, right, best, fits
export const W_CLAUSE = 2048; // opens a new clause: but, so, because, since, while, however, …
export const W_EARLIER = 4096; // says that what follows happened earlier: earlier, previously, first, before that
export const W_SEQUENCE = 8192; // opens a sentence that continues a sequence: then, afterwards, later, finally
export const W_GENERIC = 16384; // a goal verb too generic to show that a chain relates to the goal (make, do, get)
export const W_DIGIT = 32768; // a number
export const W_SO = 65536; // "so" ("so far" recounts rather than concludes)
export const W_FAR = 131072; // "far"
export const W_PARTICLE = 262144; // on, off, out, up, down: part of an action, not a thing it acts on

const WORDS: [number, string][] = [
  [
    W_STOP,
    `a an the this that these those there here it its it's i i'm i've i'll i'd me my mine myself we us our you your
     he him his she her they them their one ones be is are was were been being am have has had having do does did
     doing can could will would shall should may might must ought need needs needed to of in at by for with from
     into onto over under about above below through across along around after before behind between near next then
     than so and or but nor if because since as while when where what which who whom whose why how not no never
     don't doesn't didn't isn't aren't wasn't weren't won't wouldn't can't cannot couldn't shouldn't hasn't haven't
     hadn't also just only still yet already again now first second third last finally very too quite really more
     most less some any all each every both either neither other another such same own let let's lets back away
     there's that's what's ok okay yes hmm well oh wait step steps action actions option options choice choices
     answer answers thing things something anything nothing seems seem like think see look looks appear appears
     video clip frame frames current observation image`,
  ],
  [
    W_NEG,
    `not no never don't doesn't didn't isn't aren't wasn't weren't won't wouldn't can't cannot couldn't shouldn't
     hasn't haven't hadn't without nor neither`,
  ],
  [W_STATE, 'yet been still remember see seen notice noticed show shows shown visible happen happened sure tell'],
  [
    W_REJECT,
    `unlikely wrong incorrect unnecessary irrelevant premature pointless impossible illogical nonsensical invalid
     implausible unreasonable inappropriate already rule rules ruled ruling eliminate eliminates eliminated
     eliminating exclude excludes excluded excluding`,
  ],
  [W_REJECT_PRE, 'instead rather avoid skip'],
  [W_REJECT_POST, 'done finished completed complete'],
  [W_DEFER, 'before after until once when'],
  [W_DEFER_POST, 'later afterwards eventually'],
  [
    W_COMMIT,
    `next should so therefore thus hence need needs must answer best correct choose chose select pick will i'll
     we'll let's lets conclude conclusion logical appropriate proceed time`,
  ],
  [W_LETTER_CTX, 'option choice answer choose select pick letter'],
  [W_LETTER_POST, 'correct right best fits fit matches'],
  [
    W_CLAUSE,
    `but so because since while whereas although though however therefore thus hence which then and or otherwise
     instead`,
  ],
  [W_EARLIER, 'earlier previously first before'],
  [W_SEQUENCE, 'then afterwards later finally after next'],
  [W_GENERIC, 'make do get take put go have use start finish prepare'],
  [W_SO, 'so'],
  [W_FAR, 'far'],
  [W_PARTICLE, 'on off out up down'],
];

const CLASS_OF = new Map<string, number>();
for (const [flag, list] of WORDS) {
  for (const w of list.split(/\s+/)) {
    if (!w) continue;
    CLASS_OF.set(w, (CLASS_OF.get(w) ?? 0) | flag);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Stemmer: a key that makes inflected forms of one word equal ("pegging" = "pegged" = "peg"); not a dictionary form.

const IRREGULAR: Record<string, string> = {
  wrung: 'wring', took: 'take', taken: 'take', went: 'go', gone: 'go', ate: 'eat', eaten: 'eat', made: 'make',
  brought: 'bring', threw: 'throw', thrown: 'throw', held: 'hold', got: 'get', gotten: 'get', did: 'do', done: 'do',
  began: 'begin', begun: 'begin', drew: 'draw', drawn: 'draw', ran: 'run', sat: 'sit', stood: 'stand', hung: 'hang',
  laid: 'lay', dug: 'dig', fed: 'feed', fell: 'fall', fallen: 'fall', found: 'find', gave: 'give', given: 'give',
  hid: 'hide', hidden: 'hide', knew: 'know', known: 'know', lit: 'light', rode: 'ride', ridden: 'ride', rose: 'rise',
  risen: 'rise', wore: 'wear', worn: 'wear', tore: 'tear', torn: 'tear', wove: 'weave', woven: 'weave',
  broke: 'break', broken: 'break', chose: 'choose', chosen: 'choose', froze: 'freeze', frozen: 'freeze', shook: 'shake',
  shaken: 'shake', spun: 'spin', swept: 'sweep', kept: 'keep', slept: 'sleep', left: 'leave', felt: 'feel',
  bought: 'buy', caught: 'catch', taught: 'teach', thought: 'think', sought: 'seek', fought: 'fight', built: 'build',
  bent: 'bend', sent: 'send', spent: 'spend', lent: 'lend', stuck: 'stick', struck: 'strike', strung: 'string',
  swung: 'swing', clung: 'cling', flung: 'fling', slung: 'sling', dealt: 'deal', meant: 'mean', led: 'lead',
  bled: 'bleed', sped: 'speed', fled: 'flee', said: 'say', paid: 'pay', sold: 'sell', told: 'tell', ground: 'grind',
  wound: 'wind', bound: 'bind', drank: 'drink', drunk: 'drink', sank: 'sink', sunk: 'sink', sang: 'sing', sung: 'sing',
  rang: 'ring', rung: 'ring', sprang: 'spring', sprung: 'spring', shrank: 'shrink', shrunk: 'shrink', stank: 'stink',
  swam: 'swim', swum: 'swim', blew: 'blow', blown: 'blow', flew: 'fly', flown: 'fly', grew: 'grow',
  grown: 'grow', withdrew: 'withdraw', undid: 'undo', undone: 'undo', wrote: 'write', written: 'write', drove: 'drive',
  driven: 'drive', woke: 'wake', woken: 'wake', forgot: 'forget', forgotten: 'forget', mice: 'mouse',
  knives: 'knife', wives: 'wife', lives: 'life', loaves: 'loaf', halves: 'half', shelves: 'shelf', leaves: 'leaf',
  teeth: 'tooth', feet: 'foot', geese: 'goose', children: 'child', men: 'man', women: 'woman', people: 'person',
  goes: 'go', is: 'be', are: 'be', was: 'be', were: 'be', been: 'be', am: 'be', has: 'have', had: 'have', does: 'do',
};

const VOWEL = /[aeiouy]/;

/** The stem key of a lowercase word. */
export function stem(w: string): string {
  const irr = IRREGULAR[w];
  if (irr !== undefined) return stemRegular(irr);
  return stemRegular(w);
}

function stemRegular(w: string): string {
  let s = w;
  const n = s.length;
  if (n <= 3) return s;
  // Plurals and third person.
  if (s.endsWith('ies') && n > 4) s = s.slice(0, -3) + 'y';
  else if (s.endsWith('sses')) s = s.slice(0, -2);
  else if (/(?:sh|ch|x|z|o)es$/.test(s) && n > 4) s = s.slice(0, -2);
  else if (s.endsWith('s') && !s.endsWith('ss') && !s.endsWith('us') && !s.endsWith('is')) s = s.slice(0, -1);
  // Past and progressive forms.
  else if (s.endsWith('ied') && n > 4) s = s.slice(0, -3) + 'y';
  else if (s.endsWith('ed') && n > 4 && VOWEL.test(s.slice(0, -2))) s = undouble(s.slice(0, -2));
  else if (s.endsWith('ing') && n > 5 && VOWEL.test(s.slice(0, -3))) s = undouble(s.slice(0, -3));
  // A final silent e: "wipe" and "wiped"/"wiping" meet at "wip".
  if (s.length > 3 && s.endsWith('e') && !s.endsWith('ee')) s = s.slice(0, -1);
  return s;
}

function undouble(s: string): string {
  const k = s.length;
  if (k >= 4 && s[k - 1] === s[k - 2] && !'lsz'.includes(s[k - 1]) && !VOWEL.test(s[k - 1])) return s.slice(0, -1);
  return s;
}

// ---------------------------------------------------------------------------------------------------------------
// Lexicon: every word seen is interned once (lowercased, ’ read as '), with its stem id and word classes cached.

let tableBits = 14;
let table = new Int32Array(1 << tableBits); // slot → word id + 1, 0 = empty
let slotHash = new Int32Array(1 << tableBits);
let words: string[] = [];
let wordStem = new Int32Array(1024);
let wordClass = new Int32Array(1024);
const slowIds = new Map<string, number>(); // words with non-ASCII letters (looked up by their lowercased string)
/** Bumped whenever the lexicon is cleared, so callers can drop anything keyed by word ids. */
export let lexiconEpoch = 0;

const MAX_WORDS = 1 << 20;

/**
 * New words one input may add to the lexicon. Past that (a chain of random text), a new word is not interned: it gets
 * a negative id made from its hash, with no stem and no classes — so it matches no option, narration or cue word, and
 * two such words are "the same" only when their hashes are, which only the repetition check reads.
 */
const MAX_NEW_WORDS_PER_INPUT = 20_000;
let newWordBudget = MAX_NEW_WORDS_PER_INPUT;

/** Clears the lexicon when it has grown past its bound (call only between inputs: ids change). */
export function trimLexicon(): void {
  newWordBudget = MAX_NEW_WORDS_PER_INPUT;
  if (words.length < MAX_WORDS) return;
  tableBits = 14;
  table = new Int32Array(1 << tableBits);
  slotHash = new Int32Array(1 << tableBits);
  words = [];
  wordStem = new Int32Array(1024);
  wordClass = new Int32Array(1024);
  slowIds.clear();
  lexiconEpoch++;
}

export function lexiconSize(): number {
  return words.length;
}

export function wordText(id: number): string {
  return words[id];
}

export function classOf(id: number): number {
  return wordClass[id];
}

export function stemOf(id: number): number {
  return wordStem[id];
}

function addWord(w: string, h: number): number {
  const id = words.length;
  words.push(w);
  if (id >= wordStem.length) {
    const ns = new Int32Array(wordStem.length * 2);
    ns.set(wordStem);
    wordStem = ns;
    const nc = new Int32Array(wordClass.length * 2);
    nc.set(wordClass);
    wordClass = nc;
  }
  wordStem[id] = id;
  let cls = CLASS_OF.get(w) ?? 0;
  const c0 = w.charCodeAt(0);
  if (c0 >= 0x30 && c0 <= 0x39) cls |= W_DIGIT | W_STOP;
  wordClass[id] = cls;
  insertSlot(h, id);
  // The stem is a word of its own (its id is what the checks compare).
  const st = stem(w);
  wordStem[id] = st === w ? id : internString(st);
  return id;
}

function insertSlot(h: number, id: number): void {
  if ((words.length + slowIds.size) * 2 > table.length) grow();
  const mask = table.length - 1;
  let slot = h & mask;
  while (table[slot] !== 0) slot = (slot + 1) & mask;
  table[slot] = id + 1;
  slotHash[slot] = h;
}

function grow(): void {
  const old = table;
  const oldHash = slotHash;
  tableBits++;
  table = new Int32Array(1 << tableBits);
  slotHash = new Int32Array(1 << tableBits);
  const mask = table.length - 1;
  for (let i = 0; i < old.length; i++) {
    if (old[i] === 0) continue;
    let slot = oldHash[i] & mask;
    while (table[slot] !== 0) slot = (slot + 1) & mask;
    table[slot] = old[i];
    slotHash[slot] = oldHash[i];
  }
}

// A word's hash is made of its length and its first three and last two characters: computing it costs no pass over
// the word, and the lookup compares the whole word anyway. ASCII word characters are letters, digits and "'", which
// `| 0x20` lowercases or leaves alone; a word with any other character takes the slow path (internString).
function hashString(w: string): number {
  const n = w.length;
  if (n === 0) return 0;
  return mix(n, w.charCodeAt(0), n > 1 ? w.charCodeAt(1) : 0, n > 2 ? w.charCodeAt(2) : 0, w.charCodeAt(n - 1), n > 1 ? w.charCodeAt(n - 2) : 0);
}

function mix(n: number, a: number, b: number, c: number, y: number, z: number): number {
  const h = Math.imul((n << 24) ^ ((a | 0x20) << 16) ^ ((b | 0x20) << 8) ^ (c | 0x20) ^ ((y | 0x20) << 11) ^ ((z | 0x20) << 3), 0x9e3779b1);
  return h ^ (h >>> 16);
}

/** The id of a lowercase word given as a string. */
export function internString(w: string): number {
  let ascii = true;
  for (let k = 0; k < w.length; k++) if (w.charCodeAt(k) >= 0x80) ascii = false;
  if (!ascii) {
    const got = slowIds.get(w);
    if (got !== undefined) return got;
    const id = addWord(w, hashString(w));
    slowIds.set(w, id);
    return id;
  }
  const h = hashString(w);
  const mask = table.length - 1;
  let slot = h & mask;
  for (;;) {
    const v = table[slot];
    if (v === 0) break;
    if (slotHash[slot] === h && words[v - 1] === w) return v - 1;
    slot = (slot + 1) & mask;
  }
  return addWord(w, h);
}

/** The id of the word raw[s, e) (ASCII letters lowercased, ’ read as '); `ascii` when no other code is ≥ 0x80. */
function internRange(raw: string, s: number, e: number, ascii: boolean): number {
  if (!ascii) {
    if (newWordBudget <= 0) return hashString(raw.slice(s, e)) | 0x80000000;
    const before = words.length;
    const id = internString(raw.slice(s, e).toLowerCase().replace(/\u2019/g, "'"));
    newWordBudget -= words.length - before;
    return id;
  }
  const len = e - s;
  const h = mix(len, raw.charCodeAt(s), len > 1 ? raw.charCodeAt(s + 1) : 0, len > 2 ? raw.charCodeAt(s + 2) : 0, raw.charCodeAt(e - 1), len > 1 ? raw.charCodeAt(e - 2) : 0);
  const mask = table.length - 1;
  let slot = h & mask;
  for (;;) {
    const v = table[slot];
    if (v === 0) break;
    if (slotHash[slot] === h) {
      const w = words[v - 1];
      if (w.length === len) {
        let k = 0;
        while (k < len && (raw.charCodeAt(s + k) | 0x20) === w.charCodeAt(k)) k++;
        if (k === len) return v - 1;
      }
    }
    slot = (slot + 1) & mask;
  }
  if (newWordBudget <= 0) return h | 0x80000000;
  newWordBudget--;
  return addWord(raw.slice(s, e).toLowerCase(), h);
}

// ---------------------------------------------------------------------------------------------------------------
// Tokens

export const T_BREAK = 1; // a clause break precedes this token (or it opens its unit)
export const T_LETTER = 2; // a lone uppercase A–D
export const T_LABEL = 4; // the letter is followed by '.', ')' or ':' (a label "B." / "B)" / "B:")
export const T_PAREN = 8; // the letter is enclosed: "(B)"
export const T_SENTENCE = 64; // a sentence ends before this token, inside its step ("the answer is B. Wait, …")
/** flags >> T_LETTER_SHIFT is the letter's index (0–3) when T_LETTER is set */
export const T_LETTER_SHIFT = 4;

/** The tokens of one text, column by column (reused buffers: valid until the next tokenize into the same object). */
export class Tokens {
  n = 0;
  start: Int32Array = new Int32Array(256);
  end: Int32Array = new Int32Array(256);
  word: Int32Array = new Int32Array(256);
  stem: Int32Array = new Int32Array(256);
  /** the word's classes (W_…) */
  cls: Int32Array = new Int32Array(256);
  flags: Int32Array = new Int32Array(256);
  unit: Int32Array = new Int32Array(256);
  clause: Int32Array = new Int32Array(256);
  /** first token of each unit, and one past the last: unitFirst[u] … unitFirst[u + 1] */
  unitFirst: Int32Array = new Int32Array(64);
  units = 0;
  clauses = 0;

  reset(): void {
    this.n = 0;
    this.units = 0;
    this.clauses = 0;
    this.unitFirst[0] = 0;
  }

  private growTokens(): void {
    const cap = this.start.length * 2;
    const g = (a: Int32Array): Int32Array => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.start = g(this.start);
    this.end = g(this.end);
    this.word = g(this.word);
    this.stem = g(this.stem);
    this.cls = g(this.cls);
    this.flags = g(this.flags);
    this.unit = g(this.unit);
    this.clause = g(this.clause);
  }

  /** Appends the tokens of raw[from, to) as the next unit (a step). */
  addUnit(raw: string, from: number, to: number): void {
    const u = this.units++;
    if (u + 2 > this.unitFirst.length) {
      const b = new Int32Array(this.unitFirst.length * 2);
      b.set(this.unitFirst);
      this.unitFirst = b;
    }
    let brk = true;
    let end = false;
    let i = from;
    let n = this.n;
    let clauses = this.clauses;
    while (i < to) {
      const c = raw.charCodeAt(i);
      const t = CLS[c];
      if (!(t & C_WORD)) {
        if (t & C_BREAK) brk = true;
        if (t & C_END) end = true;
        i++;
        continue;
      }
      const s = i;
      let ascii = c < 0x80;
      for (i++; i < to; i++) {
        const d = raw.charCodeAt(i);
        const td = CLS[d];
        if (td & C_WORD) {
          if (d >= 0x80) ascii = false;
        } else if (td & C_APOS && i + 1 < to && CLS[raw.charCodeAt(i + 1)] & C_WORD) {
          if (d !== 0x27) ascii = false; // ’
        } else {
          break;
        }
      }
      const e = i;
      const len = e - s;
      const id = internRange(raw, s, e, ascii);
      if (n === this.start.length) this.growTokens();
      const known = id >= 0;
      const cls = known ? wordClass[id] : 0;
      if (brk || cls & W_CLAUSE) clauses++;
      let f = brk ? (end ? T_BREAK | T_SENTENCE : T_BREAK) : 0;
      if (len === 1 && c >= 0x41 && c <= 0x44) {
        f |= T_LETTER | ((c - 0x41) << T_LETTER_SHIFT);
        const after = e < raw.length ? raw.charCodeAt(e) : 0;
        if (after === 0x2e || after === 0x29 || after === 0x3a) f |= T_LABEL;
        if (after === 0x29 && s > 0 && raw.charCodeAt(s - 1) === 0x28) f |= T_PAREN;
      }
      this.start[n] = s;
      this.end[n] = e;
      this.word[n] = id;
      this.stem[n] = known ? wordStem[id] : id;
      this.cls[n] = cls;
      this.flags[n] = f;
      this.unit[n] = u;
      this.clause[n] = clauses - 1;
      n++;
      brk = false;
      end = false;
    }
    this.n = n;
    this.clauses = clauses;
    this.unitFirst[u + 1] = n;
  }
}

/**
 * The distinct content stems of a short text (an option, a narration, a goal), in order of appearance; words of the
 * classes in `skip` (function words by default) left out.
 */
export function contentStems(text: string, skip = W_STOP): number[] {
  const out: number[] = [];
  scratch.reset();
  scratch.addUnit(text, 0, text.length);
  for (let k = 0; k < scratch.n; k++) {
    if (wordClass[scratch.word[k]] & skip) continue;
    const st = scratch.stem[k];
    if (!out.includes(st)) out.push(st);
  }
  return out;
}

const scratch = new Tokens();

/** The word ids of a text, in order. */
export function wordIds(text: string): Int32Array {
  scratch.reset();
  scratch.addUnit(text, 0, text.length);
  return scratch.word.slice(0, scratch.n);
}

/** One line of at most `max` characters: whitespace runs become one space, an overlong text ends in "…". */
export function oneLine(s: string, max = 200): string {
  if (s.length <= max && isOneLine(s)) return s;
  let t = s.replace(/\s+/g, ' ').trim();
  if (t.length > max) {
    let cut = max - 1;
    const c = t.charCodeAt(cut - 1);
    if (c >= 0xd800 && c <= 0xdbff) cut--;
    t = t.slice(0, cut) + '…';
  }
  return t;
}

/** No whitespace but single spaces between words. */
function isOneLine(s: string): boolean {
  let prevSpace = true;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === 0x20) {
      if (prevSpace) return false;
      prevSpace = true;
    } else if (c < 0x20 || (c >= 0x80 && SPACE.test(s[k]))) {
      return false;
    } else {
      prevSpace = false;
    }
  }
  return !prevSpace || s.length === 0;
}

const SPACE = /\s/;

/** A short quote of raw[s, e) for evidence: one line, at most `max` characters. */
export function quote(raw: string, s: number, e: number, max = 60): string {
  return oneLine(raw.slice(s, Math.min(e, s + max * 4)), max);
}
