// Exact operating characteristic of the truncated two-sided split test (split-sprt.ts) on independent
// Bernoulli(p) samples: the probabilities of rejecting, accepting and ending inconclusive at the cap, and
// the expected number of samples — computed, not simulated, by carrying the distribution of the hit count
// over the paths still undecided from one sample to the next (the forward recursion of Armitage, McPherson
// & Rowe, JRSS A 132, 1969, for repeated tests on accumulating binomial data). At each n the undecided
// mass moves s → s + 1 with probability p and stays at s with 1 − p; mass on a boundary (the same hit
// thresholds the online test reads, split-boundaries.ts) is removed as that decision. Cost: O(cap × width of
// the continuation band). The recursion stops early once the undecided mass is below `negligible`; that
// mass is reported as `unresolved`, and callers bound errors with it on the safe side.

import { decideAt, type SplitBoundaries } from "./split-boundaries.ts";

export interface OperatingPoint {
  /** True share of the target. */
  p: number;
  reject: number;
  accept: number;
  /** Undecided at the cap. */
  inconclusive: number;
  /** Undecided mass left when the recursion stopped early (a bound on what reject/accept miss). */
  unresolved: number;
  /** E[samples to a decision or the cap] (an upper bound: unresolved mass is counted at the cap). */
  expectedSamples: number;
}

export function operatingCharacteristic(
  boundaries: SplitBoundaries,
  maxSamples: number,
  p: number,
  negligible = 1e-14,
): OperatingPoint {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`operatingCharacteristic p: expected 0 <= p <= 1, got ${p}`);
  if (!(Number.isInteger(maxSamples) && maxSamples >= 1))
    throw new RangeError(`operatingCharacteristic maxSamples: expected an integer >= 1, got ${maxSamples}`);
  let current = new Float64Array(maxSamples + 2);
  let next = new Float64Array(maxSamples + 2);
  current[0] = 1;
  let lo = 0;
  let hi = 0;
  let live = 1;
  const out: OperatingPoint = {
    p,
    reject: 0,
    accept: 0,
    inconclusive: 0,
    unresolved: 0,
    expectedSamples: 0,
  };
  for (let n = 1; n <= maxSamples; n++) {
    for (let s = lo; s <= hi + 1; s++) next[s] = 0;
    for (let s = lo; s <= hi; s++) {
      const w = current[s];
      if (w === 0) continue;
      next[s + 1] += w * p;
      next[s] += w * (1 - p);
    }
    const t = boundaries.at(n);
    let newLo = Infinity;
    let newHi = -1;
    live = 0;
    for (let s = lo; s <= hi + 1; s++) {
      const w = next[s];
      if (w === 0) continue;
      const decision = decideAt(t, s);
      if (decision === "continue") {
        live += w;
        if (s < newLo) newLo = s;
        newHi = s;
        continue;
      }
      if (decision === "reject-h0") out.reject += w;
      else out.accept += w;
      out.expectedSamples += w * n;
      next[s] = 0;
    }
    [current, next] = [next, current];
    if (newHi < 0) return out;
    lo = newLo;
    hi = newHi;
    if (n < maxSamples && live < negligible) {
      out.unresolved = live;
      out.expectedSamples += live * maxSamples;
      return out;
    }
  }
  out.inconclusive = live;
  out.expectedSamples += live * maxSamples;
  return out;
}
