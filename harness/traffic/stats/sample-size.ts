// Fixed sample size for a two-sided one-sample test of a proportion: how many requests must be sent so
// that a split off by at least δ from its expected share p0 is detected with the requested power, while a
// correct split fails with probability at most α.
//
// Formula (normal approximation to the binomial, variance under each hypothesis; Fleiss, Levin & Paik,
// Statistical Methods for Rates and Proportions, 3rd ed., §2.5; Chow, Shao & Wang, Sample Size
// Calculations in Clinical Research, §4.1):
//   n = ⌈ ((z_{1−α/2} √(p0 q0) + z_{power} √(p1 q1)) / δ)² ⌉,  with p1 = p0 ± δ.
// Both alternatives are computed and the larger n is returned (the one nearer 1/2 has more variance).
// An alternative outside (0, 1) is impossible and is skipped. Assumptions: independent requests; the
// normal approximation is reasonable when n·p0·q0 is well above 5, which holds for realistic δ.

import { normalQuantile } from "./normal.ts";

export function fixedSampleSize(p0: number, delta: number, alpha: number, power: number): number {
  if (!(p0 > 0 && p0 < 1)) throw new RangeError(`p0: expected 0 < p0 < 1, got ${p0}`);
  if (!(delta > 0)) throw new RangeError(`delta: expected > 0, got ${delta}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha: expected 0 < alpha < 1, got ${alpha}`);
  if (!(power > 0 && power < 1)) throw new RangeError(`power: expected 0 < power < 1, got ${power}`);
  const zAlpha = normalQuantile(1 - alpha / 2);
  const zPower = normalQuantile(power);
  const sizes = [p0 - delta, p0 + delta]
    .filter((p1) => p1 > 0 && p1 < 1)
    .map((p1) => {
      const root = (zAlpha * Math.sqrt(p0 * (1 - p0)) + zPower * Math.sqrt(p1 * (1 - p1))) / delta;
      return Math.ceil(root * root);
    });
  if (sizes.length === 0) {
    throw new RangeError(
      `delta: expected p0 ± delta to leave (0, 1) on at most one side, got p0=${p0}, delta=${delta}`,
    );
  }
  return Math.max(...sizes);
}
