import { defineCheck } from "../../harness/checks/define.ts";
import { ALPHA, POWER, type SplitPlan } from "./support/plan.ts";
import { runSplitCheck } from "./support/run-split.ts";
import { SKEW, SKEW_ROUTE } from "./support/twins.ts";

export const PLAN_50_50: SplitPlan = {
  weights: { a: 50, b: 50 },
  statistics: { alpha: ALPHA, tolerance: SKEW, power: POWER },
  method: { kind: "sprt", target: "b" },
};

export const weighted5050 = defineCheck({
  id: "traffic-split.weighted-clusters-50-50",
  suite: "traffic-split",
  statistics: { alpha: ALPHA, power: POWER },
  title: "A route's weighted_clusters 50/50 splits requests 50/50 within ±3 points",
  spec: "route.proto RouteAction.weighted_clusters (per-request choice in proportion to weight)",
  role: "data-plane",
  requires: ["http-listener"],
  fixture: "traffic-split/weighted-50-50.yaml",
  // Equal weights are the 50/50 split already, so equalize-weights is no twin here.
  twins: [SKEW_ROUTE],
  timeoutMs: 60_000,
  run: (ctx) => runSplitCheck(ctx, PLAN_50_50),
});
