// Exact two-sided binomial test: is `successes` out of `trials` consistent with success probability p?
//
// Test: H0: the trials are independent Bernoulli(p). The two-sided p-value is the total probability of all
// outcomes no more likely than the observed one, P = Σ_{k : f(k) ≤ f(x)} f(k), with f the Binomial(n, p)
// pmf. This is the "minimum likelihood" method of R's binom.test (stats/R/binom.test.R), including its
// relative tolerance 1 + 1e-7 so that outcomes tied with the observed one in exact arithmetic are not lost
// to rounding. Assumptions: independent trials with a constant p (for traffic: each request is routed
// independently, which holds for per-request weighted routing but not within one pinned connection).

import { logGamma } from "./gamma.ts";

const RELATIVE_TOLERANCE = 1 + 1e-7;

/** ln of the Binomial(n, p) pmf at k. */
export function binomialLogPmf(k: number, n: number, p: number): number {
  if (p === 0) return k === 0 ? 0 : -Infinity;
  if (p === 1) return k === n ? 0 : -Infinity;
  const logChoose = logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
  return logChoose + k * Math.log(p) + (n - k) * Math.log1p(-p);
}

/** Two-sided exact binomial p-value, as R's `binom.test(successes, trials, p)$p.value`. */
export function binomialTestTwoSided(successes: number, trials: number, p: number): number {
  checkCounts(successes, trials);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`binomialTest: expected 0 <= p <= 1, got ${p}`);
  const observed = binomialLogPmf(successes, trials, p);
  const threshold = observed + Math.log(RELATIVE_TOLERANCE);
  let sum = 0;
  for (let k = 0; k <= trials; k++) {
    const logPmf = binomialLogPmf(k, trials, p);
    if (logPmf <= threshold) sum += Math.exp(logPmf);
  }
  return Math.min(1, sum);
}

export function checkCounts(successes: number, trials: number): void {
  if (!Number.isInteger(trials) || trials < 0) {
    throw new RangeError(`trials: expected a non-negative integer, got ${trials}`);
  }
  if (!Number.isInteger(successes) || successes < 0 || successes > trials) {
    throw new RangeError(`successes: expected an integer in [0, ${trials}], got ${successes}`);
  }
}
