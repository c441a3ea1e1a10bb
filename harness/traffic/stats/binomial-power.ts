// Exact size and power of the fixed-n two-sided binomial test (binomial.ts, as R's binom.test, rejecting when
// p-value ≤ α), and the smallest n whose exact power reaches a target: the fixed-n peer a sequential test is
// compared with at equal α and power measured, not only declared (sample-size.ts's normal approximation can
// be a few samples short: at p0 = 0.5, δ = 0.03, α = 0.001 its n = 8,751 has exact power 0.9896).
// The p-value is monotone in k on each side of the mode, so the rejection region is {k ≤ lower} ∪
// {k ≥ upper}, found by bisection on each side. Power is not monotone in n (the region moves by whole
// counts), so the size search scans n upward and returns the first n that reaches it.

import { binomialLogPmf, binomialTestTwoSided } from "./binomial.ts";
import { fixedSampleSize } from "./sample-size.ts";

export interface BinomialRegion {
  n: number;
  /** Reject when successes ≤ lower (−1: never) or ≥ upper (n + 1: never). */
  lower: number;
  upper: number;
}

export function binomialRejectionRegion(n: number, p0: number, alpha: number): BinomialRegion {
  const mode = Math.min(n, Math.max(0, Math.round(n * p0)));
  const rejects = (k: number) => binomialTestTwoSided(k, n, p0) <= alpha;
  // Largest k ≤ mode that rejects, and smallest k ≥ mode that rejects.
  let lo = -1;
  let hi = mode;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (rejects(mid)) lo = mid;
    else hi = mid;
  }
  const lower = lo;
  lo = mode;
  hi = n + 1;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (rejects(mid)) hi = mid;
    else lo = mid;
  }
  return { n, lower, upper: hi };
}

/** P(the test rejects) when the true success probability is p. */
export function binomialRejectProbability(region: BinomialRegion, p: number): number {
  let accept = 0;
  for (let k = region.lower + 1; k < region.upper; k++) accept += Math.exp(binomialLogPmf(k, region.n, p));
  return Math.max(0, 1 - accept);
}

export interface ExactFixedN {
  n: number;
  /** Exact size at p0 (≤ α; discreteness makes it smaller). */
  size: number;
  /** Exact power at the weaker of p0 ± δ. */
  power: number;
}

/** The exact size and power of the level-α test with n samples against p0 ± δ. */
export function binomialTestOperatingPoint(n: number, p0: number, delta: number, alpha: number): ExactFixedN {
  const region = binomialRejectionRegion(n, p0, alpha);
  const powers = [p0 - delta, p0 + delta]
    .filter((p) => p > 0 && p < 1)
    .map((p) => binomialRejectProbability(region, p));
  return { n, size: binomialRejectProbability(region, p0), power: Math.min(...powers) };
}

/**
 * Smallest n at which the exact level-α binomial test has power ≥ `power` at both p0 ± δ: n scans upward
 * from just below the normal approximation (lower still if its power is already reached), moving the
 * rejection region by local search from one n to the next.
 */
export function exactBinomialSampleSize(
  p0: number,
  delta: number,
  alpha: number,
  power: number,
): ExactFixedN {
  const approx = fixedSampleSize(p0, delta, alpha, power);
  const alternatives = [p0 - delta, p0 + delta].filter((p) => p > 0 && p < 1);
  const powerOf = (r: BinomialRegion) =>
    Math.min(...alternatives.map((p) => binomialRejectProbability(r, p)));
  let n = Math.max(1, Math.floor(0.99 * approx));
  let region = binomialRejectionRegion(n, p0, alpha);
  while (n > 1 && powerOf(region) >= power) {
    n = Math.max(1, Math.floor(0.97 * n));
    region = binomialRejectionRegion(n, p0, alpha);
  }
  for (n += 1; n <= 2 * approx; n++) {
    const rejects = (k: number) => k >= 0 && k <= n && binomialTestTwoSided(k, n, p0) <= alpha;
    let { lower, upper } = region;
    while (rejects(lower + 1)) lower++;
    while (lower >= 0 && !rejects(lower)) lower--;
    while (upper - 1 > lower + 1 && rejects(upper - 1)) upper--;
    while (upper <= n && !rejects(upper)) upper++;
    region = { n, lower, upper };
    const reached = powerOf(region);
    if (reached >= power) return { n, size: binomialRejectProbability(region, p0), power: reached };
  }
  throw new RangeError(`exactBinomialSampleSize: no n up to ${2 * approx} reaches power ${power}`);
}
