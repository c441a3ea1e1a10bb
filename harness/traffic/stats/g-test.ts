// G-test (log-likelihood ratio test) of goodness of fit for k categories: do the observed counts follow
// the expected proportions? Used for multi-way traffic splits (k backends) at a fixed sample size.
//
// Test: G = 2 Σ O_i ln(O_i / E_i), with E_i = n · w_i / Σw; under H0 G is asymptotically χ² with k − 1
// degrees of freedom (Wilks' theorem), so p = Q((k − 1)/2, G/2). Categories with O_i = 0 contribute 0
// (the limit of x ln x). Categories whose expected weight is 0 are not part of the test: any count there is
// an outright failure that callers check exactly. Optional Williams' correction divides G by
// q = 1 + (k² − 1) / (6 n (k − 1)), which brings small-sample G closer to χ² (Williams, Biometrika 63,
// 1976; Sokal & Rohlf, Biometry, 3rd ed., §17.1; McDonald, Handbook of Biological Statistics).
// Assumptions: independent observations; the approximation wants every E_i ≳ 5.

import { chiSquareSurvival } from "./gamma.ts";

export interface GTestResult {
  g: number;
  df: number;
  pValue: number;
  /** Expected counts, in the order of the inputs. */
  expected: number[];
}

export function gTest(
  observed: readonly number[],
  weights: readonly number[],
  williams = false,
): GTestResult {
  if (observed.length !== weights.length) {
    throw new RangeError(
      `gTest: expected as many weights as counts, got ${weights.length} and ${observed.length}`,
    );
  }
  if (observed.length < 2)
    throw new RangeError(`gTest: expected at least 2 categories, got ${observed.length}`);
  observed.forEach((o, i) => {
    if (!Number.isInteger(o) || o < 0)
      throw new RangeError(`observed[${i}]: expected a count >= 0, got ${o}`);
  });
  weights.forEach((w, i) => {
    if (!(w > 0))
      throw new RangeError(`weights[${i}]: expected > 0, got ${w} (test weight-0 targets exactly)`);
  });
  const n = observed.reduce((a, b) => a + b, 0);
  if (n === 0) throw new RangeError("gTest: expected at least one observation, got 0");
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const expected = weights.map((w) => (n * w) / totalWeight);
  let g = 0;
  observed.forEach((o, i) => {
    if (o > 0) g += o * Math.log(o / expected[i]);
  });
  g = Math.max(0, 2 * g);
  const k = observed.length;
  const df = k - 1;
  if (williams) g /= 1 + (k * k - 1) / (6 * n * df);
  return { g, df, pValue: chiSquareSurvival(g, df), expected };
}
