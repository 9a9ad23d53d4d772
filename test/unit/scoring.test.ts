import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { answerSpan, fileCorrect, isFormatOk, predictLetter, reasoningSpan, scoreResponse, thinkSpan } from '../../shared/scoring.ts';
import { levelFromFileName } from '../../shared/types.ts';

const options = { A: 'pour milk', B: 'put coffee into cup', C: 'close tap', D: 'open cupboard' };

describe('predicted letter (the rule users compare with the official scripts)', () => {
  it.each([
    ['A.', 'A'],
    ['(D)', 'D'],
    ['C. close tap', 'C'],
    ['Option C', 'C'],
    ['Answer: B', 'B'],
    ['  B  ', 'B'],
    ['answer: b', null],
    ['ANSWER:D', 'D'],
    ['option d', null],
    ['OPTION (B)', 'B'],
    ['"C"', 'C'],
    ['[A]', 'A'],
    ['D) open cupboard', 'D'],
    ['B2', 'B'],
    ['Apple', null],
    ['E', null],
    ['Because', null],
    ['', null],
    ['b', null],
  ])('%j → %s', (answer, expected) => {
    expect(predictLetter(answer, options)).toBe(expected);
  });

  it('matches an option by its text, ignoring case, punctuation and extra spaces', () => {
    expect(predictLetter('put coffee into cup', options)).toBe('B');
    expect(predictLetter('  Put   Coffee into cup. ', options)).toBe('B');
    expect(predictLetter('Answer: "close tap!"', options)).toBe('C');
    expect(predictLetter('pour the milk', options)).toBeNull();
  });

  it('gives no prediction without options to match text against', () => {
    expect(predictLetter('put coffee into cup', null)).toBeNull();
  });

  it('gives no prediction when there is no answer', () => {
    expect(predictLetter(null, options)).toBeNull();
  });
});

describe('scoreResponse', () => {
  it('extracts think and answer and the prediction', () => {
    const raw = '<think>The kettle is on. The cup is empty.</think><answer>B.</answer>';
    const s = scoreResponse(raw, options);
    expect(s.think).toBe('The kettle is on. The cup is empty.');
    expect(raw.slice(s.thinkStart!, s.thinkEnd!)).toBe(s.think);
    expect(s.answer).toBe('B.');
    expect(s.prediction).toBe('B');
    expect(s.formatOk).toBe(true);
  });

  it('takes the first answer block, with tags in any case', () => {
    const s = scoreResponse('<THINK>x</Think> <Answer> C. close tap </ANSWER><answer>A</answer>', options);
    expect(s.answer).toBe(' C. close tap ');
    expect(s.prediction).toBe('C');
    expect(s.formatOk).toBe(false);
  });

  it('tolerates a missing </think> before <answer>', () => {
    const s = scoreResponse('<think>The tap is running so close it <answer>C</answer>', options);
    expect(s.think).toBe('The tap is running so close it ');
    expect(s.prediction).toBe('C');
    expect(s.formatOk).toBe(false);
  });

  it('keeps a chain cut off mid-thought as the think, with no prediction', () => {
    const s = scoreResponse('<think>I will pour milk. I will pour milk. I will pour', options);
    expect(s.think).toBe('I will pour milk. I will pour milk. I will pour');
    expect(s.answer).toBeNull();
    expect(s.prediction).toBeNull();
  });

  it('has no think when there is no <think>', () => {
    const raw = 'The answer is B.<answer>B</answer>';
    const s = scoreResponse(raw, options);
    expect(s.think).toBeNull();
    expect(thinkSpan(raw)).toBeNull();
    expect(reasoningSpan(raw, s)).toEqual([0, 'The answer is B.'.length]);
    expect(s.formatOk).toBe(false);
  });

  it('gives no prediction for an unclosed answer', () => {
    expect(scoreResponse('<think>x</think><answer>B', options).prediction).toBeNull();
  });
});

describe('format_ok', () => {
  it.each([
    ['<think>a</think><answer>B</answer>', true],
    ['  <think>a\nb</think>\n\n<answer> B </answer>\n', true],
    ['<think>a</think>text<answer>B</answer>', false],
    ['preamble <think>a</think><answer>B</answer>', false],
    ['<think>a</think><answer>B</answer> trailing', false],
    ['<answer>B</answer><think>a</think>', false],
    ['<think>a</think><think>b</think><answer>B</answer>', false],
    ['<think>a</think><answer>B</answer><answer>C</answer>', false],
    ['<think>a</think>', false],
    ['<answer>B</answer>', false],
    ['', false],
  ])('%j → %s', (raw, ok) => {
    expect(isFormatOk(raw)).toBe(ok);
  });

  it('never throws and agrees with a direct reading of the rule', () => {
    const piece = fc.oneof(
      fc.constantFrom('<think>', '</think>', '<answer>', '</answer>', ' ', '\n', 'B', 'text'),
      fc.string({ maxLength: 5 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
        const raw = parts.join('');
        const direct = /^\s*<think>((?!<\/?think>|<\/?answer>)[\s\S])*<\/think>\s*<answer>((?!<\/?think>|<\/?answer>)[\s\S])*<\/answer>\s*$/i.test(raw);
        expect(isFormatOk(raw)).toBe(direct);
      }),
    );
  });
});

describe('think and answer spans', () => {
  it('agree with a direct regex reading of the rule on any mix of tags, letter case and text', () => {
    // Non-ASCII look-alikes (dotless ı, long ſ, the Kelvin sign) match no ASCII letter, as in the case-insensitive
    // regexes the rule is written with.
    const piece = fc.oneof(
      fc.constantFrom('<think>', '</think>', '<answer>', '</answer>', '<THINK>', '</Think>', '<aNSWer>', '</ANSWER>'),
      fc.constantFrom('<', '>', '</', '<<', '<thınk>', '<anſwer>', '<thin\u212A>', ' ', '\n', 'B', 'text'),
      fc.string({ maxLength: 5 }),
    );
    const after = (re: RegExp, raw: string, from: number) => {
      const i = raw.slice(from).search(re);
      return i < 0 ? -1 : from + i;
    };
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 14 }), (parts) => {
        const raw = parts.join('');
        const a = after(/<answer>/i, raw, 0);
        const aEnd = a < 0 ? -1 : after(/<\/answer>/i, raw, a + 8);
        const answer = a >= 0 && aEnd >= 0 ? [a + 8, aEnd] : null;
        const t = after(/<think>/i, raw, 0);
        let think: number[] | null = null;
        if (t >= 0) {
          const close = after(/<\/think>/i, raw, t + 7);
          const next = after(/<answer>/i, raw, t + 7);
          think = [t + 7, close >= 0 ? close : next >= 0 ? next : raw.length];
        }
        expect(answerSpan(raw)).toEqual(answer);
        expect(thinkSpan(raw)).toEqual(think);
        const scored = scoreResponse(raw);
        expect(scored.answer).toBe(answer ? raw.slice(answer[0], answer[1]) : null);
        expect([scored.thinkStart, scored.thinkEnd]).toEqual(think ?? [null, null]);
        expect(scored.formatOk).toBe(isFormatOk(raw));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("the file's own verdict", () => {
  it('uses `correct` when present, else reward ≥ 0.5', () => {
    expect(fileCorrect(1, null)).toBe(true);
    expect(fileCorrect(0.5, null)).toBe(true);
    expect(fileCorrect(0.49, null)).toBe(false);
    expect(fileCorrect(1, false)).toBe(false);
    expect(fileCorrect(null, true)).toBe(true);
    expect(fileCorrect(null, null)).toBeNull();
  });
});

describe('level from a file name', () => {
  it.each([
    ['validation_L2.jsonl', 'L2'],
    ['/data/annotations/validation_L1.jsonl', 'L1'],
    ['eval_results_for_validation_L3.jsonl', 'L3'],
    ['eval_16frames_seed_bench_r1_L1_results.json', 'L1'],
    ['training_6k.jsonl', null],
    ['L12_notes.jsonl', null],
  ])('%s → %s', (name, level) => {
    expect(levelFromFileName(name)).toBe(level);
  });
});
