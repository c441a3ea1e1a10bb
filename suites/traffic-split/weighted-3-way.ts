import { defineCheck } from "../../harness/checks/define.ts";
import { ALPHA, POWER, type SplitPlan } from "./support/plan.ts";
import { runSplitCheck } from "./support/run-split.ts";
import { EQUALIZE, SKEW, SKEW_ROUTE } from "./support/twins.ts";

export const PLAN_3_WAY: SplitPlan = {
  weights: { a: 50, b: 30, c: 20 },
  statistics: { alpha: ALPHA, tolerance: SKEW, power: POWER },
  method: { kind: "g-test" },
};

export const weighted3Way = defineCheck({
  id: "traffic-split.weighted-clusters-3-way",
  suite: "traffic-split",
  statistics: { alpha: ALPHA, power: POWER },
  title: "A route's weighted_clusters 50/30/20 splits requests in proportion (G-test, fixed n)",
  spec: "route.proto RouteAction.weighted_clusters (per-request choice in proportion to weight)",
  role: "data-plane",
  requires: ["http-listener"],
  fixture: "traffic-split/weighted-3-way.yaml",
  twins: [SKEW_ROUTE, EQUALIZE],
  timeoutMs: 60_000,
  run: (ctx) => runSplitCheck(ctx, PLAN_3_WAY),
});
