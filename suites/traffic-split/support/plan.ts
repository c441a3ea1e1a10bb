// The statistics a traffic-split check declares (DESIGN.md §7): significance α (its false-fail rate on a
// correct data plane), the tolerated deviation δ of a share, and the power to catch a split off by δ.
// From these follow the test and its sample size; nothing is retried, a check samples once.
import { gTestSampleSize } from "../../../harness/traffic/stats/g-test-power.ts";
import { sequentialPlan, type SequentialPlan } from "../../../harness/traffic/split-sampler.ts";

/** Default false-fail rate of a traffic-split check on a correct data plane. */
export const ALPHA = 0.001;
/** Default power against a split off by the tolerance. */
export const POWER = 0.99;

export interface SplitStatistics {
  alpha: number;
  /** Tolerated deviation of a target's share, in share units (0.03 = 3 points). */
  tolerance: number;
  power: number;
}

/** Targets by name (= backend name) with their configured weights. */
export type Weights = Record<string, number>;

export type SplitMethod =
  /** Two targets: Wald SPRT on one target's share, a sample cap, `inconclusive` at the cap. */
  | { kind: "sprt"; target: string }
  /** k targets: G-test at a fixed n sized for the power (multi-way splits). */
  | { kind: "g-test" }
  /** Weight-0 targets must get exactly zero; the others a G-test at the same n. */
  | { kind: "zero"; leakShare: number };

export interface SplitPlan {
  weights: Weights;
  statistics: SplitStatistics;
  method: SplitMethod;
}

export const share = (weights: Weights, target: string): number =>
  weights[target] / Object.values(weights).reduce((a, b) => a + b, 0);

export const positiveWeights = (weights: Weights): Weights =>
  Object.fromEntries(Object.entries(weights).filter(([, w]) => w > 0));

/** SPRT plan for a two-way split (α halved when a non-zero guard shares it), or undefined for fixed n. */
export function sprtPlan(plan: SplitPlan): SequentialPlan | undefined {
  if (plan.method.kind !== "sprt") return undefined;
  const { alpha, tolerance, power } = plan.statistics;
  const level = nonZeroGuardSamples(plan) > 0 ? alpha / 2 : alpha;
  return sequentialPlan(plan.method.target, share(plan.weights, plan.method.target), tolerance, level, power);
}

/**
 * Samples a target with a small share must see at least once. Without this a data plane that drops the
 * target entirely passes a one-sided SPRT whose lower side is cut off at 0 (99/1 with δ = 2 points): the
 * guard fails it, and on a correct data plane fails with probability (1 − p)ⁿ ≤ α/2.
 */
export function nonZeroGuardSamples(plan: SplitPlan): number {
  if (plan.method.kind !== "sprt") return 0;
  const p = Math.min(...Object.keys(plan.weights).map((t) => share(plan.weights, t)));
  if (p - plan.statistics.tolerance > 0) return 0;
  return Math.ceil(Math.log(plan.statistics.alpha / 2) / Math.log(1 - p));
}

/** Fixed sample size of a G-test or weight-0 plan. */
export function fixedSamples(plan: SplitPlan): number {
  const { alpha, tolerance, power } = plan.statistics;
  if (plan.method.kind === "g-test")
    return gTestSampleSize(Object.values(plan.weights), tolerance, alpha, power);
  if (plan.method.kind === "zero") {
    // Enough that a leak of `leakShare` to a weight-0 target shows at least once with the power.
    const leak = Math.ceil(Math.log(1 - power) / Math.log(1 - plan.method.leakShare));
    return Math.max(leak, 200);
  }
  return nonZeroGuardSamples(plan);
}

/** "a 90 / b 10" */
export const describeWeights = (weights: Weights): string =>
  Object.entries(weights)
    .map(([t, w]) => `${t} ${w}`)
    .join(" / ");
