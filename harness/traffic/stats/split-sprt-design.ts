// Calibrates the boundaries of the two-sided split test (split-boundaries.ts) for its sample cap, so that its
// exact operating characteristic (split-sprt-oc.ts) meets the declared error rates with little to spare:
//   P(reject | p = p0) ≤ α                   (the false-fail rate of a correct split)
//   P(reject | p = p0 ± δ) ≥ 1 − β            (the power, for each alternative inside (0, 1))
// Wald's boundaries A = (1 − β)/α, B = β/(1 − α) are only bounds (Wald, Sequential Analysis, 1947, §3.2):
// with two sides sharing α, acceptance requiring both sides at once, discrete steps and a cap, the true
// rates differ from the nominal ones. Here ln A (one threshold for both sides: reject when the larger LLR
// reaches it) and each side's ln B are moved until the exact rates sit on the targets — the boundaries
// "tuned for the truncation". Each round evaluates the three operating points and moves every threshold
// by the log of its rate's ratio to the target (each rate is close to log-linear in its own threshold: the
// false-fail rate ≈ c·e^(−ln A), a side's miss rate ≈ c·e^(ln B)), aiming 0.5 % inside the targets, until
// all three hold and none is more than 1 % inside. Mass the recursion leaves unresolved is counted as a
// false fail and as a miss. Results are memoized per input (a design costs tens of recursions).

import { SplitBoundaries, type SplitBoundaryParams } from "./split-boundaries.ts";
import { operatingCharacteristic, type OperatingPoint } from "./split-sprt-oc.ts";

export interface SplitSprtOptions {
  /** Expected share p0 of the target, in (0, 1). */
  expected: number;
  /** Smallest deviation δ that must be detected. */
  tolerance: number;
  /** False-fail rate: probability of rejecting a split whose share is exactly p0. */
  alpha: number;
  /** 1 − power: probability of not rejecting a split whose share is p0 ± δ. */
  beta: number;
  /** Samples after which an undecided test stops as "inconclusive". */
  maxSamples: number;
}

export interface SplitSprtDesign extends SplitBoundaryParams {
  /** The cap the boundaries were calibrated for. */
  maxSamples: number;
  /** Exact operating points of the design at p0 and at each alternative that exists. */
  atExpected: OperatingPoint;
  atBelow?: OperatingPoint;
  atAbove?: OperatingPoint;
  /** Exact false-fail rate (rejections at p0 plus any unresolved mass). */
  falseFail: number;
  /** Exact power: the smaller of P(reject) at p0 − δ and at p0 + δ. */
  power: number;
  /** Calibration rounds used (three recursions each). */
  rounds: number;
}

const AIM = 0.995;
const SLACK = 0.99;
const MAX_ROUNDS = 40;

/** ln(rate / target), limited to ±2 per round so that a rate far off (or 0) does not throw a threshold away. */
const step = (rate: number, target: number) =>
  Math.max(-2, Math.min(2, Math.log(Math.max(rate, 1e-300) / target)));

const cache = new Map<string, SplitSprtDesign>();

export function designSplitSprt(options: SplitSprtOptions): SplitSprtDesign {
  const { expected: p0, tolerance: delta, alpha, beta, maxSamples } = options;
  for (const [name, value] of Object.entries({ alpha, beta })) {
    if (!(value > 0 && value < 1))
      throw new RangeError(`SplitSprt ${name}: expected 0 < ${name} < 1, got ${value}`);
  }
  if (!(Number.isInteger(maxSamples) && maxSamples >= 1))
    throw new RangeError(`SplitSprt maxSamples: expected an integer >= 1, got ${maxSamples}`);
  const key = JSON.stringify([p0, delta, alpha, beta, maxSamples]);
  const known = cache.get(key);
  if (known) return known;

  const probe = new SplitBoundaries({ expected: p0, tolerance: delta, lnA: 1, lnBBelow: -1, lnBAbove: -1 });
  const twoSided = probe.below !== undefined && probe.above !== undefined;
  // Wald's boundaries (α split between the sides) as the starting point.
  const params: SplitBoundaryParams = {
    expected: p0,
    tolerance: delta,
    lnA: Math.log((1 - beta) / (twoSided ? alpha / 2 : alpha)),
    lnBBelow: Math.log(beta / (1 - alpha)),
    lnBAbove: Math.log(beta / (1 - alpha)),
  };
  const miss = (point?: OperatingPoint) => (point ? 1 - point.reject : 0);
  let best: SplitSprtDesign | undefined;
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const boundaries = new SplitBoundaries(params);
    const atExpected = operatingCharacteristic(boundaries, maxSamples, p0);
    const atBelow = boundaries.below
      ? operatingCharacteristic(boundaries, maxSamples, p0 - delta)
      : undefined;
    const atAbove = boundaries.above
      ? operatingCharacteristic(boundaries, maxSamples, p0 + delta)
      : undefined;
    const falseFail = atExpected.reject + atExpected.unresolved;
    const [missBelow, missAbove] = [miss(atBelow), miss(atAbove)];
    const design: SplitSprtDesign = {
      ...params,
      maxSamples,
      atExpected,
      atBelow,
      atAbove,
      falseFail,
      power: 1 - Math.max(missBelow, missAbove),
      rounds: round,
    };
    const feasible = falseFail <= alpha && missBelow <= beta && missAbove <= beta;
    if (feasible && (!best || atExpected.expectedSamples < best.atExpected.expectedSamples)) best = design;
    const tight =
      falseFail >= SLACK * alpha &&
      (!atBelow || missBelow >= SLACK * beta) &&
      (!atAbove || missAbove >= SLACK * beta);
    if (feasible && tight) break;
    params.lnA += step(falseFail, AIM * alpha);
    if (atBelow) params.lnBBelow -= step(missBelow, AIM * beta);
    if (atAbove) params.lnBAbove -= step(missAbove, AIM * beta);
    if (params.lnBBelow < -50 || params.lnBAbove < -50) break;
  }
  if (!best) {
    throw new RangeError(
      `SplitSprt: expected a design with false-fail ≤ ${alpha} and power ≥ ${1 - beta} at ${p0} ± ${delta} within maxSamples=${maxSamples}, found none (raise maxSamples)`,
    );
  }
  cache.set(key, best);
  return best;
}
