import { defineCheck } from "../../harness/checks/define.ts";
import { ALPHA, POWER, type SplitPlan } from "./support/plan.ts";
import { runSplitCheck } from "./support/run-split.ts";
import { EQUALIZE, SKEW, SKEW_ROUTE } from "./support/twins.ts";

export const PLAN_5_WAY: SplitPlan = {
  weights: { a: 30, b: 25, c: 20, d: 15, e: 10 },
  statistics: { alpha: ALPHA, tolerance: SKEW, power: POWER },
  method: { kind: "g-test" },
};

export const weighted5Way = defineCheck({
  id: "traffic-split.weighted-clusters-5-way",
  suite: "traffic-split",
  statistics: { alpha: ALPHA, power: POWER },
  title: "A route's weighted_clusters 30/25/20/15/10 splits requests in proportion (G-test, fixed n)",
  spec: "route.proto RouteAction.weighted_clusters (per-request choice in proportion to weight)",
  role: "data-plane",
  requires: ["http-listener"],
  fixture: "traffic-split/weighted-5-way.yaml",
  twins: [SKEW_ROUTE, EQUALIZE],
  timeoutMs: 60_000,
  run: (ctx) => runSplitCheck(ctx, PLAN_5_WAY),
});
