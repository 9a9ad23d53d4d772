// The Wilson score interval against published values, and against its definition.
import { describe, expect, it } from 'vitest';
import { Z95, wilson } from '../../shared/wilson.ts';

describe('wilson', () => {
  it("matches Newcombe (1998), Stat Med 17:857–872, table II, method 3 (score interval without continuity correction)", () => {
    // Newcombe's four examples, to the four decimals he prints.
    const cases: [number, number, number, number][] = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ];
    for (const [x, n, lo, hi] of cases) {
      const [l, h] = wilson(x, n);
      expect(l, `${x}/${n}`).toBeCloseTo(lo, 4);
      expect(h, `${x}/${n}`).toBeCloseTo(hi, 4);
    }
  });

  it("matches R's prop.test(x, n, correct = FALSE)$conf.int, 0/n and n/n included", () => {
    // R 4.3: prop.test(0, 10, correct = FALSE)$conf.int → 0.0000000 0.2775328, and so on.
    expect(wilson(0, 10)[0]).toBe(0);
    expect(wilson(0, 10)[1]).toBeCloseTo(0.2775328, 7);
    expect(wilson(10, 10)[0]).toBeCloseTo(0.7224672, 7);
    expect(wilson(10, 10)[1]).toBe(1);
    expect(wilson(5, 10)[0]).toBeCloseTo(0.2365931, 7);
    expect(wilson(5, 10)[1]).toBeCloseTo(0.7634069, 7);
    // At 0/n the upper bound is z² / (n + z²).
    expect(wilson(0, 50)[1]).toBeCloseTo((Z95 * Z95) / (50 + Z95 * Z95), 12);
  });

  it('solves its defining equation: at each bound p, |x/n − p| = z·√(p(1−p)/n)', () => {
    for (const [x, n] of [[3, 7], [1, 1000], [999, 1000], [12, 40], [1, 2]]) {
      for (const p of wilson(x, n)) expect(Math.abs(x / n - p), `${x}/${n} at ${p}`).toBeCloseTo(Z95 * Math.sqrt((p * (1 - p)) / n), 10);
    }
  });

  it('is symmetric (x of n against n − x of n), narrows as n grows, and knows nothing at n = 0', () => {
    const [lo, hi] = wilson(7, 30);
    const [lo2, hi2] = wilson(23, 30);
    expect(lo).toBeCloseTo(1 - hi2, 12);
    expect(hi).toBeCloseTo(1 - lo2, 12);
    const width = (x: number, n: number) => wilson(x, n)[1] - wilson(x, n)[0];
    expect(width(50, 100)).toBeLessThan(width(5, 10));
    expect(wilson(0, 0)).toEqual([0, 1]);
  });

  it('refuses counts that are not counts', () => {
    expect(() => wilson(3, 2)).toThrow(/0 ≤ successes ≤ n/);
    expect(() => wilson(-1, 2)).toThrow(RangeError);
    expect(() => wilson(0.5, 2)).toThrow(RangeError);
  });
});
