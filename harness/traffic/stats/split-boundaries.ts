// The stopping boundaries of the two-sided split test (split-sprt.ts), as whole numbers of hits after n
// samples. Two one-sided Wald log-likelihood ratios share the samples: "below" of p0 − δ against p0 and
// "above" of p0 + δ against p0, each LLR(n, s) = s·ln(p1/p0) + (n − s)·ln((1 − p1)/(1 − p0)) after s hits in n.
// Rejection: either LLR ≥ ln A. Acceptance: both LLRs ≤ their ln B at the same n. Each LLR is linear in s,
// so each condition is a threshold on s; the online test and the exact operating characteristic
// (split-sprt-oc.ts) both read these thresholds, which makes the computed error rates those of the code
// that runs. A side whose alternative leaves (0, 1) does not exist: it never rejects and always accepts.

export interface SplitBoundaryParams {
  /** Expected share p0 of the target, in (0, 1). */
  expected: number;
  /** Smallest deviation δ that must be detected. */
  tolerance: number;
  /** Rejection threshold ln A on either side's LLR. */
  lnA: number;
  /** Acceptance thresholds ln B of the below and above sides (ignored for a side that does not exist). */
  lnBBelow: number;
  lnBAbove: number;
}

/** Hit thresholds after n samples: reject if s ≤ belowReject or s ≥ aboveReject; accept if belowAccept ≤ s ≤ aboveAccept. */
export interface HitThresholds {
  belowReject: number;
  belowAccept: number;
  aboveAccept: number;
  aboveReject: number;
}

interface Side {
  /** LLR step of a hit and of a miss. */
  hit: number;
  miss: number;
}

// Guards the floor/ceil against rounding when an LLR lands exactly on a boundary.
const EPS = 1e-9;

export class SplitBoundaries {
  readonly below?: Side;
  readonly above?: Side;
  private table = new Float64Array(0);
  private filled = -1;

  constructor(readonly params: SplitBoundaryParams) {
    const { expected: p0, tolerance: delta } = params;
    if (!(p0 > 0 && p0 < 1)) throw new RangeError(`SplitBoundaries expected: expected 0 < p0 < 1, got ${p0}`);
    if (!(delta > 0)) throw new RangeError(`SplitBoundaries tolerance: expected > 0, got ${delta}`);
    const side = (p1: number): Side => ({ hit: Math.log(p1 / p0), miss: Math.log((1 - p1) / (1 - p0)) });
    if (p0 - delta > 0) this.below = side(p0 - delta);
    if (p0 + delta < 1) this.above = side(p0 + delta);
    if (!this.below && !this.above) {
      throw new RangeError(
        `SplitBoundaries tolerance: expected p0 ± δ inside (0, 1) on one side, got p0=${p0}, δ=${delta}`,
      );
    }
  }

  /** The decision after `hits` in n samples, from a table of thresholds filled once per n. */
  decide(n: number, hits: number): ThresholdDecision {
    if (4 * n + 3 >= this.table.length) {
      const grown = new Float64Array(Math.max(4 * (n + 1), 2 * this.table.length));
      grown.set(this.table);
      for (let m = this.filled + 1; m < grown.length / 4; m++) {
        const t = this.at(m);
        grown.set([t.belowReject, t.belowAccept, t.aboveAccept, t.aboveReject], 4 * m);
      }
      this.filled = grown.length / 4 - 1;
      this.table = grown;
    }
    const i = 4 * n;
    const table = this.table;
    if (hits <= table[i] || hits >= table[i + 3]) return "reject-h0";
    if (hits >= table[i + 1] && hits <= table[i + 2]) return "accept-h0";
    return "continue";
  }

  /** The hit thresholds after n samples. */
  at(n: number): HitThresholds {
    const { lnA, lnBBelow, lnBAbove } = this.params;
    const t: HitThresholds = {
      belowReject: -1,
      belowAccept: -Infinity,
      aboveAccept: Infinity,
      aboveReject: Infinity,
    };
    // s where LLR = level: s = (level − n·miss) / (hit − miss); hit − miss < 0 below, > 0 above.
    const cross = (side: Side, level: number) => (level - n * side.miss) / (side.hit - side.miss);
    if (this.below) {
      t.belowReject = Math.floor(cross(this.below, lnA) + EPS);
      t.belowAccept = Math.ceil(cross(this.below, lnBBelow) - EPS);
    }
    if (this.above) {
      t.aboveAccept = Math.floor(cross(this.above, lnBAbove) + EPS);
      t.aboveReject = Math.ceil(cross(this.above, lnA) - EPS);
    }
    return t;
  }

  /** The sides' log-likelihood ratios after `hits` in n samples (undefined for a side that does not exist). */
  llr(n: number, hits: number): { below?: number; above?: number } {
    const of = (side?: Side) => (side ? hits * side.hit + (n - hits) * side.miss : undefined);
    return { below: of(this.below), above: of(this.above) };
  }
}

export type ThresholdDecision = "reject-h0" | "accept-h0" | "continue";

export function decideAt(t: HitThresholds, hits: number): ThresholdDecision {
  if (hits <= t.belowReject || hits >= t.aboveReject) return "reject-h0";
  if (hits >= t.belowAccept && hits <= t.aboveAccept) return "accept-h0";
  return "continue";
}
