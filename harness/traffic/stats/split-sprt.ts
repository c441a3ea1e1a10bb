// Sequential check that a traffic split gives a target its expected share: "the share equals p0 within
// tolerance δ" (H0: p = p0) against "the share deviates by at least δ" (H1: |p − p0| ≥ δ).
//
// Design: two one-sided Wald SPRTs run side by side on the same samples, one of H0: p = p0 vs p = p0 − δ
// and one of H0: p = p0 vs p = p0 + δ, each at level α/2 and error β (Sobel & Wald, Ann. Math. Stat. 20,
// 1949; Armitage, JRSS B 12, 1950). A side that accepts H0 stops; the split is rejected as soon as either
// side rejects, and accepted once both sides accepted. Error rates, by the union bound over the sides and
// Wald's bounds for each: P(reject | p = p0) ≤ α (a correct split fails at most at rate α, the design's
// false-fail rate), and P(accept | p = p0 ± δ) ≤ β, since accepting needs the side facing the true
// deviation to accept H0. For |p − p0| > δ the test is more likely to reject; for 0 < |p − p0| < δ (the
// indifference zone) either answer is acceptable. When p0 ± δ leaves (0, 1) that side cannot happen and is
// dropped, and the remaining side gets the whole α. Reaching the sample cap undecided is "inconclusive".
// Assumptions: each sample is an independent routing decision with a constant probability p of hitting
// the target (send a new connection per sample where the split is per connection).

import { Sprt, type SprtDecision, type SprtState } from "./sprt.ts";

export interface SplitSprtOptions {
  /** Expected share p0 of the target, in (0, 1). */
  expected: number;
  /** Smallest deviation δ that must be detected. */
  tolerance: number;
  alpha: number;
  beta: number;
  maxSamples: number;
}

export interface SplitSprtState {
  decision: SprtDecision;
  /** The larger of the two sides' log-likelihood ratios: the strongest evidence of a deviation. */
  llr: number;
  n: number;
  hits: number;
  below?: SprtState;
  above?: SprtState;
}

export class SplitSprt {
  private readonly below?: Sprt;
  private readonly above?: Sprt;
  private readonly maxSamples: number;
  private n = 0;
  private hits = 0;
  private decision: SprtDecision = "continue";

  constructor(options: SplitSprtOptions) {
    const { expected: p0, tolerance: delta, alpha, beta, maxSamples } = options;
    if (!(p0 > 0 && p0 < 1)) throw new RangeError(`SplitSprt expected: expected 0 < p0 < 1, got ${p0}`);
    if (!(delta > 0)) throw new RangeError(`SplitSprt tolerance: expected > 0, got ${delta}`);
    if (!(maxSamples >= 1)) throw new RangeError(`SplitSprt maxSamples: expected >= 1, got ${maxSamples}`);
    const hasBelow = p0 - delta > 0;
    const hasAbove = p0 + delta < 1;
    if (!hasBelow && !hasAbove) {
      throw new RangeError(
        `SplitSprt tolerance: expected p0 ± δ inside (0, 1) on one side, got p0=${p0}, δ=${delta}`,
      );
    }
    const sideAlpha = hasBelow && hasAbove ? alpha / 2 : alpha;
    if (hasBelow) this.below = new Sprt({ p0, p1: p0 - delta, alpha: sideAlpha, beta });
    if (hasAbove) this.above = new Sprt({ p0, p1: p0 + delta, alpha: sideAlpha, beta });
    this.maxSamples = maxSamples;
  }

  /** Feeds one routing decision (true: the request reached the target); ignored once decided. */
  add(hit: boolean): SplitSprtState {
    if (this.decision !== "continue") return this.state();
    this.n += 1;
    if (hit) this.hits += 1;
    const sides = [this.below, this.above].filter((s): s is Sprt => s !== undefined);
    const decisions = sides.map((side) => {
      const own = side.state().decision;
      return own === "continue" ? side.add(hit).decision : own;
    });
    if (decisions.includes("reject-h0")) this.decision = "reject-h0";
    else if (decisions.every((d) => d === "accept-h0")) this.decision = "accept-h0";
    else if (this.n >= this.maxSamples) this.decision = "inconclusive";
    return this.state();
  }

  addAll(samples: Iterable<boolean>): SplitSprtState {
    for (const sample of samples) {
      if (this.add(sample).decision !== "continue") break;
    }
    return this.state();
  }

  state(): SplitSprtState {
    const below = this.below?.state();
    const above = this.above?.state();
    const llr = Math.max(below?.llr ?? -Infinity, above?.llr ?? -Infinity);
    return { decision: this.decision, llr, n: this.n, hits: this.hits, below, above };
  }
}
