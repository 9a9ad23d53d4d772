import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { splitSteps } from '../../shared/steps.ts';
import type { Step } from '../../shared/types.ts';

function texts(raw: string, from?: number, to?: number): string[] {
  return splitSteps(raw, from, to).map((s) => raw.slice(s.start, s.end));
}

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/** Every invariant a split of raw.slice(lo, hi) must satisfy; lo/hi must be valid (0 <= lo <= hi <= length). */
function checkInvariants(raw: string, lo: number, hi: number, steps: Step[]): void {
  let prevEnd = lo;
  const covered = new Uint8Array(raw.length);
  steps.forEach((s, k) => {
    expect(s.index).toBe(k);
    expect(Number.isInteger(s.start) && Number.isInteger(s.end)).toBe(true);
    expect(s.start).toBeLessThan(s.end);
    expect(s.start).toBeGreaterThanOrEqual(prevEnd);
    expect(s.end).toBeLessThanOrEqual(hi);
    prevEnd = s.end;
    const text = raw.slice(s.start, s.end);
    expect(text.length).toBeGreaterThan(0);
    expect(text).toBe(text.trim());
    for (let i = s.start; i < s.end; i++) covered[i] = 1;
    // A boundary strictly inside the region never falls between a high and a low surrogate.
    for (const b of [s.start, s.end]) {
      if (b > lo && b < hi) {
        expect(isHigh(raw.charCodeAt(b - 1)) && isLow(raw.charCodeAt(b))).toBe(false);
      }
    }
  });
  // Nothing but whitespace is dropped.
  for (let i = lo; i < hi; i++) {
    if (!covered[i]) expect(/\s/.test(raw[i])).toBe(true);
  }
}

// Pieces a chain of thought is made of, including the awkward ones.
const PIECES = [
  'kettle', 'The', 'pour', 'milk', 'Then', 'wait', 'answer', 'B', 'A', 'x',
  ' ', ' ', ' ', '  ', '\t', '\n', '\n', '\r\n', '\r', '\u2028', '\u2029', '\u00a0', '\u3000', '\ufeff', '\v',
  '.', '. ', '! ', '? ', '?!', '...', '... ', '…', ',', ':', ';', '"', '”', "'", ')', '(', ']', '*', '**', '#',
  'e.g.', 'i.e.', 'etc.', 'vs.', 'Mr.', 'Dr.', 'approx.', 'No.', 'Fig.', 'A.', 'B. ', 'Option A. ',
  '3.5', '0.75', 'v2.1', '2051.mp4', '42', '1', '2', '7',
  '\n1. ', '\n2. ', '1. ', '2. ', '2) ', '(3) ', 'Step 4: ', 'Step 5. ', '- ', '* ', '• ',
  '。', '！', '？', '．', '１．', '３．５', '水', '先烧水', '」', '।', '॥', '¿', '¡', 'ß', 'É', 'Über', 'नमस्ते',
  '😀', '👨‍👩‍👧', '🇫🇷', '\ud83d', '\ude00', '\u0000', '\uffff',
];

const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...PIECES) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) },
);
const chain = fc.array(piece, { maxLength: 60 }).map((a) => a.join(''));
const anyText = fc.oneof(
  chain,
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme-composite', maxLength: 100 }),
);

describe('splitSteps: examples', () => {
  it('splits a multi-line numbered chain, keeping each marker with its item', () => {
    const raw =
      'Let me look at the frames.\n1. Fill the kettle.\n2. Boil the water. Then wait.\n3) Pour it.\n' +
      '(4) Add milk\nStep 5: Stir. Step 6. Serve\n- a bullet\n* another\n• third';
    expect(texts(raw)).toEqual([
      'Let me look at the frames.',
      '1. Fill the kettle.',
      '2. Boil the water.',
      'Then wait.',
      '3) Pour it.',
      '(4) Add milk',
      'Step 5: Stir.',
      'Step 6. Serve',
      '- a bullet',
      '* another',
      '• third',
    ]);
  });

  it('keeps a marker with its item in markdown emphasis', () => {
    expect(texts('**Step 1:** Boil water.\n**2.** Pour it.\n### 3. Drink')).toEqual([
      '**Step 1:** Boil water.',
      '**2.** Pour it.',
      '### 3. Drink',
    ]);
  });

  it('splits inline numbered items after a sentence end and consecutive inline markers', () => {
    expect(texts('Plan. 1. Fill it. 2. Boil it.')).toEqual(['Plan.', '1. Fill it.', '2. Boil it.']);
    expect(texts('Intro. 1. foo 2. bar')).toEqual(['Intro.', '1. foo', '2. bar']);
    expect(texts('1. Boil water 2. Pour it 3. Drink')).toEqual(['1. Boil water', '2. Pour it', '3. Drink']);
    expect(texts('First I look. Step 2: compare the frames.')).toEqual(['First I look.', 'Step 2: compare the frames.']);
    // Not the next number, or no marker opened the step: no split.
    expect(texts('1. Add 3. water')).toEqual(['1. Add 3. water']);
    expect(texts('Boil water 2. pour')).toEqual(['Boil water 2. pour']);
  });

  it('splits sentences at . ! ? and runs of them', () => {
    expect(texts('I see a man. He pours milk! Is it tea? Yes?! Maybe. Sure!!')).toEqual([
      'I see a man.',
      'He pours milk!',
      'Is it tea?',
      'Yes?!',
      'Maybe.',
      'Sure!!',
    ]);
  });

  it('does not split after a terminator followed by a lowercase word or by no whitespace', () => {
    expect(texts('Is it tea? maybe not. ok')).toEqual(['Is it tea? maybe not. ok']);
    expect(texts('Visit example.com.Then stop')).toEqual(['Visit example.com.Then stop']);
  });

  it('does not split at e.g., i.e., etc. before lowercase, or other abbreviations', () => {
    expect(texts('Use a tool, e.g. a spoon, i.e. the small one, etc. and so on. Then stir.')).toEqual([
      'Use a tool, e.g. a spoon, i.e. the small one, etc. and so on.',
      'Then stir.',
    ]);
    expect(texts('Some drinks, e.g. Tea or Coffee, i.e. Hot ones.')).toEqual([
      'Some drinks, e.g. Tea or Coffee, i.e. Hot ones.',
    ]);
    expect(texts('Cups, spoons, etc. Then the milk.')).toEqual(['Cups, spoons, etc.', 'Then the milk.']);
    expect(texts('Mr. Smith vs. Dr. Jones pour approx. 3 cups (cf. Fig. 2, No. 5). Done.')).toEqual([
      'Mr. Smith vs. Dr. Jones pour approx. 3 cups (cf. Fig. 2, No. 5).',
      'Done.',
    ]);
    // "No." is only an abbreviation before a number.
    expect(texts('Is it milk? No. The cup is empty.')).toEqual(['Is it milk?', 'No.', 'The cup is empty.']);
  });

  it('does not split decimals, versions, numbers, URLs or file names', () => {
    expect(texts('It takes 3.5 s, 0.75 of the clip, in v2.1 of 2051.mp4 at https://x.org/v1.2/tea.html. Then done.')).toEqual([
      'It takes 3.5 s, 0.75 of the clip, in v2.1 of 2051.mp4 at https://x.org/v1.2/tea.html.',
      'Then done.',
    ]);
    expect(texts('The count is 42. Then it stops.')).toEqual(['The count is 42.', 'Then it stops.']);
  });

  it('does not split after a single letter such as an option label', () => {
    expect(texts('Option A. pour milk is wrong')).toEqual(['Option A. pour milk is wrong']);
    expect(texts('So the answer is B. Put coffee first. Done.')).toEqual([
      'So the answer is B. Put coffee first.',
      'Done.',
    ]);
    expect(texts('A. Milk\nB. Coffee\nC. Tea')).toEqual(['A. Milk', 'B. Coffee', 'C. Tea']);
  });

  it('splits after an ellipsis only before a sentence start', () => {
    expect(texts('wait... the kettle is hot.')).toEqual(['wait... the kettle is hot.']);
    expect(texts('wait... The kettle is hot.')).toEqual(['wait...', 'The kettle is hot.']);
    expect(texts('hmm… so it is tea… Then milk.')).toEqual(['hmm… so it is tea…', 'Then milk.']);
  });

  it('keeps closing quotes and brackets with the sentence they close', () => {
    expect(texts('He said "stop." Then he left. She asked (why?) Nobody knew. «Oui.» Fin.')).toEqual([
      'He said "stop."',
      'Then he left.',
      'She asked (why?)',
      'Nobody knew.',
      '«Oui.»',
      'Fin.',
    ]);
    expect(texts('“Done.” Next, ‘fine!’ Again')).toEqual(['“Done.”', 'Next, ‘fine!’', 'Again']);
  });

  it('splits Chinese and Japanese at full-width terminators without whitespace', () => {
    expect(texts('先烧水。然后倒茶！对吗？对')).toEqual(['先烧水。', '然后倒茶！', '对吗？', '对']);
    expect(texts('「お茶を入れる。」次に牛乳。')).toEqual(['「お茶を入れる。」', '次に牛乳。']);
    expect(texts('加入３．５杯水。好')).toEqual(['加入３．５杯水。', '好']);
  });

  it('handles Hindi, German and Spanish', () => {
    expect(texts('यह चाय है। अब दूध डालें।')).toEqual(['यह चाय है।', 'अब दूध डालें।']);
    expect(texts('Das ist z.B. gut. Über den Rand gießen wir.')).toEqual([
      'Das ist z.B. gut.',
      'Über den Rand gießen wir.',
    ]);
    expect(texts('¿Qué hora es? Son las tres. ¡Vamos! ¿Y ahora? él duerme.')).toEqual([
      '¿Qué hora es?',
      'Son las tres.',
      '¡Vamos!',
      '¿Y ahora? él duerme.',
    ]);
  });

  it('returns [] for empty and whitespace-only regions', () => {
    expect(splitSteps('')).toEqual([]);
    expect(splitSteps(' \n\t\r\n \u3000\u2028\u00a0')).toEqual([]);
    expect(splitSteps('<think>  \n  </think>', 7, 12)).toEqual([]);
  });

  it('splits a from/to region with offsets into the full string', () => {
    const raw = 'Preamble. <think>First look. Then pour!\n2. Stir</think><answer>B. Coffee.</answer>';
    const from = raw.indexOf('<think>') + '<think>'.length;
    const to = raw.indexOf('</think>');
    const steps = splitSteps(raw, from, to);
    expect(steps).toEqual([
      { index: 0, start: from, end: from + 'First look.'.length },
      { index: 1, start: from + 'First look. '.length, end: from + 'First look. Then pour!'.length },
      { index: 2, start: raw.indexOf('2. Stir'), end: to },
    ]);
    expect(steps.map((s) => raw.slice(s.start, s.end))).toEqual(['First look.', 'Then pour!', '2. Stir']);
  });

  it('treats CRLF, CR and Unicode line separators as line breaks', () => {
    const raw = 'First line\r\n1. Fill it.\r\n2. Boil it\r\rlast\u2028sep\u2029para\r\n';
    expect(texts(raw)).toEqual(['First line', '1. Fill it.', '2. Boil it', 'last', 'sep', 'para']);
    for (const s of splitSteps(raw)) expect(/[\r\n]/.test(raw.slice(s.start, s.end))).toBe(false);
  });

  it('clamps out-of-range, reversed and NaN arguments', () => {
    const raw = 'One. Two.';
    expect(texts(raw, -5, 100)).toEqual(['One.', 'Two.']);
    expect(texts(raw, 5)).toEqual(['Two.']);
    expect(texts(raw, 0, 4)).toEqual(['One.']);
    expect(texts(raw, 7, 3)).toEqual([]);
    expect(texts(raw, NaN, NaN)).toEqual(['One.', 'Two.']);
    expect(texts(raw, 1.5, 4.9)).toEqual(['ne.']);
    expect(texts(raw, -Infinity, Infinity)).toEqual(['One.', 'Two.']);
  });

  it('classifies every UTF-16 code unit as whitespace exactly when /\\s/ does', () => {
    const bad: number[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      const ws = /\s/.test(ch);
      const one = splitSteps(ch);
      if (ws ? one.length !== 0 : one.length !== 1 || one[0].start !== 0 || one[0].end !== 1) bad.push(c);
      // Around the character: whitespace is trimmed away, anything else is kept.
      const raw = `a${ch}b`;
      const got = texts(raw);
      if (got.some((t) => t !== t.trim() || t === '') || got.join('').replace(/\s/g, '') !== (ws ? 'ab' : raw)) {
        bad.push(c);
      }
    }
    expect(bad).toEqual([]);
    const mixed = 'a\u00a0b\u1680c\u2000d\u200ae\u202ff\u205fg\u3000h\ufeffi\u000bj\u000ck\u0085l\u180em';
    checkInvariants(mixed, 0, mixed.length, splitSteps(mixed));
  });

  it('never splits a surrogate pair', () => {
    const raw = '😀. 😀 Then.😀。😀！👨‍👩‍👧\n🇫🇷. 🇫🇷 e.g. 𝒜. 𝒜';
    const steps = splitSteps(raw);
    expect(steps.map((s) => raw.slice(s.start, s.end))).toEqual([
      '😀.',
      '😀 Then.😀。',
      '😀！',
      '👨‍👩‍👧',
      '🇫🇷.',
      '🇫🇷 e.g. 𝒜.',
      '𝒜',
    ]);
    checkInvariants(raw, 0, raw.length, steps);
  });
});

describe('splitSteps: properties', () => {
  it('satisfies the step invariants on any text', () => {
    fc.assert(
      fc.property(anyText, (raw) => {
        checkInvariants(raw, 0, raw.length, splitSteps(raw));
      }),
      { numRuns: 2000 },
    );
  });

  it('satisfies the step invariants on any valid sub-region', () => {
    fc.assert(
      fc.property(anyText, fc.nat(), fc.nat(), (raw, a, b) => {
        const x = raw.length ? a % (raw.length + 1) : 0;
        const y = raw.length ? b % (raw.length + 1) : 0;
        const [lo, hi] = x <= y ? [x, y] : [y, x];
        checkInvariants(raw, lo, hi, splitSteps(raw, lo, hi));
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on arbitrary arguments and stays within the clamped region', () => {
    const index = fc.oneof(
      fc.integer({ min: -1000, max: 1000 }),
      fc.double(),
      fc.constantFrom(undefined, NaN, Infinity, -Infinity, -0),
    );
    fc.assert(
      fc.property(anyText, index, index, (raw, from, to) => {
        const steps = splitSteps(raw, from, to);
        const lo = from === undefined || Number.isNaN(from) ? 0 : Math.min(Math.max(Math.floor(from), 0), raw.length);
        const hi =
          to === undefined || Number.isNaN(to) ? raw.length : Math.min(Math.max(Math.floor(to), 0), raw.length);
        if (hi <= lo) expect(steps).toEqual([]);
        else checkInvariants(raw, lo, hi, steps);
      }),
      { numRuns: 1000 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(anyText, (raw) => {
        const a = splitSteps(raw);
        const b = splitSteps(raw);
        expect(b).toEqual(a);
        expect(texts(raw)).toEqual(a.map((s) => raw.slice(s.start, s.end)));
      }),
      { numRuns: 500 },
    );
  });

  it('splits a region inside a larger string as it splits the region alone, shifted by from', () => {
    fc.assert(
      fc.property(anyText, anyText, anyText, (prefix, region, suffix) => {
        const raw = prefix + region + suffix;
        const from = prefix.length;
        const alone = splitSteps(region);
        const inside = splitSteps(raw, from, from + region.length);
        expect(inside).toEqual(alone.map((s) => ({ index: s.index, start: s.start + from, end: s.end + from })));
        expect(inside.map((s) => raw.slice(s.start, s.end))).toEqual(alone.map((s) => region.slice(s.start, s.end)));
      }),
      { numRuns: 1000 },
    );
  });

  it('makes every non-blank line at least its own step', () => {
    const line = fc.array(piece.filter((p) => !/[\r\n\u2028\u2029]/.test(p)), { maxLength: 12 }).map((a) => a.join(''));
    const sep = fc.constantFrom('\n', '\r\n', '\r', '\u2028', '\u2029', '\n\n');
    fc.assert(
      fc.property(fc.array(fc.tuple(line, sep), { maxLength: 8 }), (parts) => {
        const raw = parts.map(([l, s]) => l + s).join('');
        for (const s of splitSteps(raw)) expect(/[\r\n\u2028\u2029]/.test(raw.slice(s.start, s.end))).toBe(false);
        const nonBlank = parts.filter(([l]) => l.trim() !== '').length;
        expect(splitSteps(raw).length).toBeGreaterThanOrEqual(nonBlank);
      }),
      { numRuns: 500 },
    );
  });
});
