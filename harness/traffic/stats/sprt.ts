// Wald's sequential probability ratio test (SPRT) for a Bernoulli proportion: H0: p = p0 vs H1: p = p1.
// Samples are fed one at a time; the test stops as soon as the evidence crosses a boundary, which on
// average needs far fewer samples than a fixed-n test with the same error rates.
//
// Test: after n samples with s successes, LLR = s ln(p1/p0) + (n − s) ln((1 − p1)/(1 − p0)).
// Reject H0 when LLR ≥ ln A, accept H0 when LLR ≤ ln B, with Wald's boundaries A = (1 − β)/α and
// B = β/(1 − α) (Wald, Sequential Analysis, 1947, §3.2). These give true error rates α' ≤ α/(1 − β) and
// β' ≤ β/(1 − α) with α' + β' ≤ α + β; the overshoot of discrete steps past a boundary makes them
// conservative in practice. A sample cap truncates the test: reaching it undecided yields "inconclusive"
// (never a pass). Assumptions: independent samples with a constant p; p0, p1 in (0, 1), p0 ≠ p1.

export type SprtDecision = "accept-h0" | "reject-h0" | "continue" | "inconclusive";

export interface SprtState {
  decision: SprtDecision;
  llr: number;
  n: number;
  successes: number;
}

export interface SprtOptions {
  p0: number;
  p1: number;
  /** Probability of rejecting H0 when it holds. */
  alpha: number;
  /** Probability of accepting H0 when H1 holds. */
  beta: number;
  /** Samples after which an undecided test stops as "inconclusive" (default: unbounded). */
  maxSamples?: number;
}

export class Sprt {
  readonly lowerBound: number;
  readonly upperBound: number;
  private readonly successStep: number;
  private readonly failureStep: number;
  private readonly maxSamples: number;
  private current: SprtState = { decision: "continue", llr: 0, n: 0, successes: 0 };

  constructor(options: SprtOptions) {
    const { p0, p1, alpha, beta } = options;
    for (const [name, value] of Object.entries({ p0, p1, alpha, beta })) {
      if (!(value > 0 && value < 1))
        throw new RangeError(`Sprt ${name}: expected 0 < ${name} < 1, got ${value}`);
    }
    if (p0 === p1) throw new RangeError(`Sprt p1: expected p1 != p0, got both ${p0}`);
    this.maxSamples = options.maxSamples ?? Infinity;
    if (!(this.maxSamples >= 1))
      throw new RangeError(`Sprt maxSamples: expected >= 1, got ${this.maxSamples}`);
    this.lowerBound = Math.log(beta / (1 - alpha));
    this.upperBound = Math.log((1 - beta) / alpha);
    this.successStep = Math.log(p1 / p0);
    this.failureStep = Math.log((1 - p1) / (1 - p0));
  }

  /** Feeds one sample; once decided, further samples are ignored and the final state is returned. */
  add(success: boolean): SprtState {
    if (this.current.decision !== "continue") return this.state();
    const n = this.current.n + 1;
    const successes = this.current.successes + (success ? 1 : 0);
    const llr = this.current.llr + (success ? this.successStep : this.failureStep);
    let decision: SprtDecision = "continue";
    if (llr >= this.upperBound) decision = "reject-h0";
    else if (llr <= this.lowerBound) decision = "accept-h0";
    else if (n >= this.maxSamples) decision = "inconclusive";
    this.current = { decision, llr, n, successes };
    return this.state();
  }

  /** Feeds samples in order until a decision is reached. */
  addAll(samples: Iterable<boolean>): SprtState {
    for (const sample of samples) {
      if (this.add(sample).decision !== "continue") break;
    }
    return this.state();
  }

  state(): SprtState {
    return { ...this.current };
  }
}
