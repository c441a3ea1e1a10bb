import { defineCheck } from "../../harness/checks/define.ts";
import { ALPHA, POWER, type SplitPlan } from "./support/plan.ts";
import { runSplitCheck } from "./support/run-split.ts";
import { EQUALIZE, SKEW_ROUTE } from "./support/twins.ts";

// δ = 2 points: the 1 % target may get 0–3 %. Below 0 there is nothing to test sequentially, so a guard
// requires at least one request to b (plan.ts nonZeroGuardSamples); SPRT and guard share α.
export const PLAN_99_1: SplitPlan = {
  weights: { a: 99, b: 1 },
  statistics: { alpha: ALPHA, tolerance: 0.02, power: POWER },
  method: { kind: "sprt", target: "b" },
};

export const weighted991 = defineCheck({
  id: "traffic-split.weighted-clusters-99-1",
  suite: "traffic-split",
  statistics: { alpha: ALPHA, power: POWER },
  title: "A route's weighted_clusters 99/1 gives the 1 % cluster 1 % (+2 points) and never nothing",
  spec: "route.proto RouteAction.weighted_clusters (per-request choice in proportion to weight)",
  role: "data-plane",
  requires: ["http-listener"],
  fixture: "traffic-split/weighted-99-1.yaml",
  twins: [SKEW_ROUTE, EQUALIZE],
  timeoutMs: 60_000,
  run: (ctx) => runSplitCheck(ctx, PLAN_99_1),
});
