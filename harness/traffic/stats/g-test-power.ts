// Fixed sample size for a k-way split judged by the G-test (g-test.ts): how many requests make a split
// whose share of some target is off by at least δ fail with the requested power, at level α.
//
// Under an alternative p1 the G statistic is asymptotically noncentral χ² with k − 1 degrees of freedom and
// noncentrality λ = 2n·KL(p1‖p0) ≈ n Σ (p1ᵢ − p0ᵢ)²/p0ᵢ (Cohen, Statistical Power Analysis, 2nd ed., §7.2:
// λ = n·w²). Among alternatives that move one target's share by δ (the others absorbing it in proportion),
// the smallest w² is δ² / max pᵢ(1 − pᵢ), so the size computed for it holds for every deviation ≥ δ.
// The noncentral χ² tail is the Poisson mixture of central tails, P(χ'²(ν, λ) > x) =
// Σⱼ e^(−λ/2) (λ/2)ʲ/j! · P(χ²(ν + 2j) > x) (Johnson, Kotz & Balakrishnan, Continuous Univariate
// Distributions 2, ch. 29, eq. 29.2), summed until the Poisson weights left are below 1e-12. The
// asymptotic λ is checked against simulation in the test. Assumptions: independent requests; every
// expected count n·p0ᵢ well above 5.

import { chiSquareSurvival, logGamma } from "./gamma.ts";

/** The x with P(χ²(df) > x) = tail, by bisection on the survival function. */
export function chiSquareQuantileUpper(tail: number, df: number): number {
  if (!(tail > 0 && tail < 1)) throw new RangeError(`tail: expected 0 < tail < 1, got ${tail}`);
  if (!(df > 0)) throw new RangeError(`df: expected > 0, got ${df}`);
  let lo = 0;
  let hi = Math.max(1, df);
  while (chiSquareSurvival(hi, df) > tail) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-10 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (chiSquareSurvival(mid, df) > tail) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** P(noncentral χ²(df, λ) > x), as a Poisson mixture of central χ² tails. */
export function noncentralChiSquareSurvival(x: number, df: number, lambda: number): number {
  if (!(lambda >= 0)) throw new RangeError(`lambda: expected >= 0, got ${lambda}`);
  if (lambda === 0) return chiSquareSurvival(x, df);
  const half = lambda / 2;
  let sum = 0;
  let weightLeft = 1;
  for (let j = 0; weightLeft > 1e-12 && j < 100_000; j++) {
    const weight = Math.exp(-half + j * Math.log(half) - logGamma(j + 1));
    sum += weight * chiSquareSurvival(x, df + 2 * j);
    weightLeft -= weight;
    if (j > half && weight < 1e-16) break;
  }
  return Math.min(1, sum);
}

/** Cohen's w² of the least favourable alternative that moves some target's share by δ. */
export function leastFavourableEffect(weights: readonly number[], delta: number): number {
  const total = weights.reduce((a, b) => a + b, 0);
  const spread = Math.max(...weights.map((w) => (w / total) * (1 - w / total)));
  return (delta * delta) / spread;
}

/** Power of the level-α G-test with n samples against an alternative of effect w². */
export function gTestPower(n: number, effect: number, df: number, alpha: number): number {
  return noncentralChiSquareSurvival(chiSquareQuantileUpper(alpha, df), df, n * effect);
}

/** Smallest n whose level-α G-test detects any target's share off by ≥ δ with at least `power`. */
export function gTestSampleSize(
  weights: readonly number[],
  delta: number,
  alpha: number,
  power: number,
): number {
  if (weights.length < 2) throw new RangeError(`weights: expected at least 2, got ${weights.length}`);
  weights.forEach((w, i) => {
    if (!(w > 0)) throw new RangeError(`weights[${i}]: expected > 0, got ${w}`);
  });
  if (!(delta > 0 && delta < 1)) throw new RangeError(`delta: expected 0 < delta < 1, got ${delta}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha: expected 0 < alpha < 1, got ${alpha}`);
  if (!(power > alpha && power < 1)) throw new RangeError(`power: expected alpha < power < 1, got ${power}`);
  const df = weights.length - 1;
  const effect = leastFavourableEffect(weights, delta);
  const critical = chiSquareQuantileUpper(alpha, df);
  const enough = (n: number) => noncentralChiSquareSurvival(critical, df, n * effect) >= power;
  let hi = 16;
  while (!enough(hi)) hi *= 2;
  let lo = hi / 2;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (enough(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
