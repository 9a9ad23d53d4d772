// The Wilson score interval for a binomial proportion (Wilson 1927; Agresti & Coull 1998), without continuity
// correction: what R's `prop.test(x, n, correct = FALSE)$conf.int` and `binom::binom.wilson` give. Unlike the normal
// ("Wald") interval it stays inside [0, 1] and is not empty at 0/n or n/n, which matters for small cells of a dashboard.
// Pure: the renderer imports it too.

/** The standard normal quantile of 0.975: a two-sided 95% interval. */
export const Z95 = 1.959964;

/**
 * The interval [lo, hi] for `successes` out of `n` trials, as fractions. With n = 0 nothing is known: [0, 1].
 * Counts must be whole and 0 ≤ successes ≤ n.
 */
export function wilson(successes: number, n: number, z: number = Z95): [number, number] {
  if (!Number.isInteger(n) || !Number.isInteger(successes) || n < 0 || successes < 0 || successes > n) {
    throw new RangeError(`wilson: need whole counts with 0 ≤ successes ≤ n, got ${successes} of ${n}`);
  }
  if (n === 0) return [0, 1];
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At 0/n and n/n the formula gives exactly 0 and 1 in real arithmetic; clamp the rounding error.
  const lo = successes === 0 ? 0 : Math.max(0, centre - half);
  const hi = successes === n ? 1 : Math.min(1, centre + half);
  return [lo, hi];
}
