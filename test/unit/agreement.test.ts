// The agreement statistics against published worked examples.
import { describe, expect, it } from 'vitest';
import { alphaBinaryPairs, cohenKappa, kappaFromTable, krippendorffAlphaNominal, timeIou } from '../../electron/core/agreement.ts';

describe("Cohen's κ", () => {
  it('matches the worked examples of Wikipedia\'s "Cohen\'s kappa" article', () => {
    // 50 proposals read by A and B: 20 both yes, 5 A yes B no, 10 A no B yes, 15 both no → p_o 0.7, p_e 0.5, κ 0.4.
    expect(kappaFromTable([[20, 5], [10, 15]])).toBeCloseTo(0.4, 10);
    // Same p_o (0.60) in two tables, different κ: 0.1304 and 0.2593.
    expect(kappaFromTable([[45, 15], [25, 15]])).toBeCloseTo(0.1304, 4);
    expect(kappaFromTable([[25, 35], [5, 35]])).toBeCloseTo(0.2593, 4);
  });

  it('is 1 for perfect agreement, negative below chance, and works on any categories (verdicts)', () => {
    expect(cohenKappa(['yes', 'no', 'unclear', 'no'], ['yes', 'no', 'unclear', 'no'])).toBe(1);
    expect(cohenKappa([1, 0, 1, 0], [0, 1, 0, 1])).toBe(-1);
    // 3×3: p_o = 6/9, p_e = (3·3 + 3·4 + 3·2)/81 = 27/81.
    const a = ['yes', 'yes', 'yes', 'no', 'no', 'no', 'unclear', 'unclear', 'unclear'];
    const b = ['yes', 'yes', 'no', 'no', 'no', 'yes', 'unclear', 'unclear', 'no'];
    expect(cohenKappa(a, b)).toBeCloseTo((6 / 9 - 27 / 81) / (1 - 27 / 81), 12);
  });

  it('is null where undefined: no items, or both raters constant on the same value (expected agreement 1)', () => {
    expect(cohenKappa([], [])).toBeNull();
    expect(cohenKappa([0, 0, 0], [0, 0, 0])).toBeNull();
    // Constant but different raters: p_e = 0, κ = 0 − 0 = 0 (defined).
    expect(cohenKappa([1, 1], [0, 0])).toBe(0);
  });
});

describe("Krippendorff's α (nominal)", () => {
  it('matches Krippendorff (2011) example A: binary data, two observers, ten units → α = 0.095', () => {
    const ben = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0];
    const gerry = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
    expect(krippendorffAlphaNominal(ben.map((v, i) => [v, gerry[i]]))).toBeCloseTo(0.095, 3);
  });

  it('matches Krippendorff (2011) example C: nominal data, four observers, missing values → α = 0.743', () => {
    const _ = null;
    const coders = [
      [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
      [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
      [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
      [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
    ];
    const units = coders[0].map((_v, u) => coders.map((c) => c[u]));
    expect(krippendorffAlphaNominal(units)).toBeCloseTo(0.743, 3);
  });

  it('from the counts of two coders’ present/absent pairs, equals the general computation', () => {
    // Example A as counts: both 1 once, only Ben 1 once, only Gerry 1 three times, both 0 five times.
    expect(alphaBinaryPairs(1, 1, 3, 5)).toBeCloseTo(0.095, 3);
    for (const [n11, n10, n01, n00] of [[4, 2, 1, 9], [0, 3, 3, 0], [7, 0, 0, 2], [2, 5, 0, 1]]) {
      const units = [
        ...Array.from({ length: n11 }, () => [1, 1]),
        ...Array.from({ length: n10 }, () => [1, 0]),
        ...Array.from({ length: n01 }, () => [0, 1]),
        ...Array.from({ length: n00 }, () => [0, 0]),
      ];
      expect(alphaBinaryPairs(n11, n10, n01, n00)).toBeCloseTo(krippendorffAlphaNominal(units)!, 12);
    }
    expect(alphaBinaryPairs(3, 0, 0, 0)).toBeNull();
  });

  it('is 1 for perfect agreement and null with no variation or nothing pairable', () => {
    expect(krippendorffAlphaNominal([[1, 1], [0, 0], [1, 1]])).toBe(1);
    expect(krippendorffAlphaNominal([[1, 1], [1, 1]])).toBeNull();
    expect(krippendorffAlphaNominal([[1, null], [null, 0]])).toBeNull();
  });
});

describe('time-range IoU', () => {
  it('is intersection over union, merging each side’s overlapping ranges first', () => {
    expect(timeIou([[0, 2]], [[1, 3]])).toBeCloseTo(1 / 3, 12);
    expect(timeIou([[0, 1], [0.5, 2]], [[0, 2]])).toBe(1);
    expect(timeIou([[0, 1]], [[2, 3]])).toBe(0);
    expect(timeIou([[0, 1], [2, 3]], [[0.5, 2.5]])).toBeCloseTo(1 / 3, 12);
    expect(timeIou([], [])).toBeNull();
  });
});
