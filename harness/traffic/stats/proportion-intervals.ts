// Confidence intervals for a binomial proportion, reported next to traffic-split verdicts so a reader sees
// the plausible range of the observed share, not just a p-value.
//
// Clopper-Pearson ("exact"): the interval inverts two one-sided exact binomial tests, so its coverage is at
// least the nominal level for every p. Bounds are beta quantiles: lower = B⁻¹(α/2; x, n−x+1),
// upper = B⁻¹(1−α/2; x+1, n−x) (Clopper & Pearson, Biometrika 26, 1934; as in R's binom.test).
// Wilson score: inverts the score test; coverage close to nominal on average, narrower than Clopper-Pearson
// (Wilson, JASA 22, 1927; Agresti & Coull, Am. Stat. 52, 1998; equals R's prop.test(correct = FALSE)).
// Assumptions for both: independent trials with a constant success probability.

import { inverseRegularizedBeta } from "./beta.ts";
import { checkCounts } from "./binomial.ts";
import { normalQuantile } from "./normal.ts";

export interface Interval {
  lower: number;
  upper: number;
}

export function clopperPearsonInterval(successes: number, trials: number, confidence = 0.95): Interval {
  checkArgs(successes, trials, confidence);
  const alpha = 1 - confidence;
  const lower = successes === 0 ? 0 : inverseRegularizedBeta(alpha / 2, successes, trials - successes + 1);
  const upper =
    successes === trials ? 1 : inverseRegularizedBeta(1 - alpha / 2, successes + 1, trials - successes);
  return { lower, upper };
}

export function wilsonInterval(successes: number, trials: number, confidence = 0.95): Interval {
  checkArgs(successes, trials, confidence);
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const z2 = z * z;
  const pHat = successes / trials;
  const denominator = 1 + z2 / trials;
  const center = (pHat + z2 / (2 * trials)) / denominator;
  const half = (z / denominator) * Math.sqrt((pHat * (1 - pHat)) / trials + z2 / (4 * trials * trials));
  return { lower: Math.max(0, center - half), upper: Math.min(1, center + half) };
}

function checkArgs(successes: number, trials: number, confidence: number): void {
  checkCounts(successes, trials);
  if (trials === 0) throw new RangeError("trials: expected at least 1, got 0 (no interval without data)");
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`confidence: expected 0 < confidence < 1, got ${confidence}`);
  }
}
