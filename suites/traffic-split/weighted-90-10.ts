import { defineCheck } from "../../harness/checks/define.ts";
import { ALPHA, POWER, type SplitPlan } from "./support/plan.ts";
import { runSplitCheck } from "./support/run-split.ts";
import { EQUALIZE, SKEW, SKEW_ROUTE } from "./support/twins.ts";

export const PLAN_90_10: SplitPlan = {
  weights: { a: 90, b: 10 },
  statistics: { alpha: ALPHA, tolerance: SKEW, power: POWER },
  method: { kind: "sprt", target: "b" },
};

export const weighted9010 = defineCheck({
  id: "traffic-split.weighted-clusters-90-10",
  suite: "traffic-split",
  statistics: { alpha: ALPHA, power: POWER },
  title: "A route's weighted_clusters 90/10 splits requests 90/10 within ±3 points",
  spec: "route.proto RouteAction.weighted_clusters (per-request choice in proportion to weight)",
  role: "data-plane",
  requires: ["http-listener"],
  fixture: "traffic-split/weighted-90-10.yaml",
  twins: [SKEW_ROUTE, EQUALIZE],
  timeoutMs: 60_000,
  run: (ctx) => runSplitCheck(ctx, PLAN_90_10),
});
