// Sequential check that a traffic split gives a target its expected share: "the share equals p0" (H0) against
// "the share deviates by at least δ" (H1: |p − p0| ≥ δ), with a sample cap.
//
// Design: two one-sided Wald SPRTs on the same samples, H0 p = p0 against p0 − δ ("below") and against
// p0 + δ ("above") (Sobel & Wald, Ann. Math. Stat. 20, 1949; Armitage, JRSS B 12, 1950). The split is
// rejected as soon as either side's log-likelihood ratio reaches ln A, and accepted at the first n where
// both sides' LLRs are at or below their ln B at the same time; reaching the cap undecided is
// "inconclusive" (never a pass). Unlike Sobel & Wald, a side is not frozen once it accepts: requiring both
// at once costs nothing in power and lets the acceptance boundaries be looser, and it is the shape of the
// optimal test for this problem (the Bayes test for {p0 − δ, p0, p0 + δ} computed by backward induction
// accepts on nearly the same band). The thresholds are not Wald's bounds but calibrated for the cap on the
// exact operating characteristic (split-sprt-design.ts), so the false-fail rate at p0 is ≤ α and the power
// at p0 ± δ is ≥ 1 − β exactly — not only by a bound — for the declared cap. For |p − p0| > δ the test is
// more likely to reject; for 0 < |p − p0| < δ (the indifference zone) either answer is acceptable. When
// p0 ± δ leaves (0, 1) that side cannot happen and does not exist. Assumptions: each sample is an
// independent routing decision with a constant probability p of hitting the target (send a new
// connection per sample where the split is per connection).

import { SplitBoundaries } from "./split-boundaries.ts";
import { designSplitSprt, type SplitSprtDesign, type SplitSprtOptions } from "./split-sprt-design.ts";
import type { SprtDecision } from "./sprt.ts";

export type { SplitSprtDesign, SplitSprtOptions } from "./split-sprt-design.ts";

export interface SplitSideState {
  /** Where this side's LLR stands at the final n: past ln A, at or below its ln B, or in between. */
  decision: SprtDecision;
  llr: number;
  lnA: number;
  lnB: number;
}

export interface SplitSprtState {
  decision: SprtDecision;
  /** The larger of the two sides' log-likelihood ratios: the strongest evidence of a deviation. */
  llr: number;
  n: number;
  hits: number;
  below?: SplitSideState;
  above?: SplitSideState;
}

// One threshold table per design, shared by every test that runs it.
const tables = new WeakMap<SplitSprtDesign, SplitBoundaries>();
const boundariesOf = (design: SplitSprtDesign) => {
  let b = tables.get(design);
  if (!b) tables.set(design, (b = new SplitBoundaries(design)));
  return b;
};

export class SplitSprt {
  readonly design: SplitSprtDesign;
  private readonly boundaries: SplitBoundaries;
  private readonly maxSamples: number;
  private n = 0;
  private hits = 0;
  private status: SprtDecision = "continue";

  /**
   * Calibrates (memoized) the boundaries for `options`; a given `design` is used as is, e.g. with a
   * smaller `maxSamples` to force truncation (its error rates hold for the cap it was calibrated for).
   */
  constructor(options: SplitSprtOptions & { design?: SplitSprtDesign }) {
    if (!(options.maxSamples >= 1))
      throw new RangeError(`SplitSprt maxSamples: expected >= 1, got ${options.maxSamples}`);
    this.design = options.design ?? designSplitSprt(options);
    this.boundaries = boundariesOf(this.design);
    this.maxSamples = options.maxSamples;
  }

  /** Feeds one routing decision (true: the request reached the target); ignored once decided. */
  add(hit: boolean): SplitSprtState {
    this.feed(hit);
    return this.state();
  }

  /** As `add`, returning only the decision (no state object per sample). */
  feed(hit: boolean): SprtDecision {
    if (this.status !== "continue") return this.status;
    this.n += 1;
    if (hit) this.hits += 1;
    this.status = this.boundaries.decide(this.n, this.hits);
    if (this.status === "continue" && this.n >= this.maxSamples) this.status = "inconclusive";
    return this.status;
  }

  get decision(): SprtDecision {
    return this.status;
  }

  addAll(samples: Iterable<boolean>): SplitSprtState {
    for (const sample of samples) {
      if (this.add(sample).decision !== "continue") break;
    }
    return this.state();
  }

  state(): SplitSprtState {
    const llr = this.boundaries.llr(this.n, this.hits);
    const { lnA, lnBBelow, lnBAbove } = this.design;
    const side = (value: number | undefined, lnB: number): SplitSideState | undefined => {
      if (value === undefined) return undefined;
      const decision = value >= lnA ? "reject-h0" : value <= lnB ? "accept-h0" : "continue";
      return { decision, llr: value, lnA, lnB };
    };
    return {
      decision: this.status,
      llr: Math.max(llr.below ?? -Infinity, llr.above ?? -Infinity),
      n: this.n,
      hits: this.hits,
      below: side(llr.below, lnBBelow),
      above: side(llr.above, lnBAbove),
    };
  }
}
