import { defineCheck } from "../../harness/checks/define.ts";
import { ALPHA, POWER, type SplitPlan } from "./support/plan.ts";
import { runSplitCheck } from "./support/run-split.ts";
import { WEIGHT_ZERO_LEAK } from "./support/twins.ts";

// n is sized so that a leak of 1 % (weight 1 in 101) shows at least once with the power; a correct data
// plane cannot fail the exact-zero part at all, so α is the G-test's on a and b.
export const PLAN_WEIGHT_ZERO: SplitPlan = {
  weights: { a: 50, b: 50, z: 0 },
  statistics: { alpha: ALPHA, tolerance: 0.1, power: POWER },
  method: { kind: "zero", leakShare: 0.0099 },
};

export const weightZero = defineCheck({
  id: "traffic-split.weight-zero-gets-nothing",
  suite: "traffic-split",
  statistics: { alpha: ALPHA, power: POWER },
  title: "A weighted cluster of weight 0 receives exactly zero requests",
  spec: "route.proto WeightedCluster.ClusterWeight.weight (traffic in proportion to weight: 0 gets none)",
  role: "data-plane",
  requires: ["http-listener"],
  fixture: "traffic-split/weight-zero.yaml",
  twins: [WEIGHT_ZERO_LEAK],
  timeoutMs: 60_000,
  run: (ctx) => runSplitCheck(ctx, PLAN_WEIGHT_ZERO),
});
