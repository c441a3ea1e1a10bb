import { defineCheck } from "../../harness/checks/define.ts";
import { ALPHA, POWER, type SplitPlan } from "./support/plan.ts";
import { runSplitCheck } from "./support/run-split.ts";
import { EQUALIZE, SKEW, SKEW_LOCALITIES } from "./support/twins.ts";

export const PLAN_LOCALITIES: SplitPlan = {
  weights: { a: 80, b: 20 },
  statistics: { alpha: ALPHA, tolerance: SKEW, power: POWER },
  method: { kind: "sprt", target: "b" },
};

export const localityWeights = defineCheck({
  id: "traffic-split.locality-weights",
  suite: "traffic-split",
  statistics: { alpha: ALPHA, power: POWER },
  title: "Locality load_balancing_weight 80/20 (locality-weighted LB) splits requests 80/20 within ±3 points",
  spec: "envoy: arch_overview/upstream/load_balancing/locality_weight; endpoint_components.proto LocalityLbEndpoints.load_balancing_weight",
  role: "data-plane",
  requires: ["http-listener"],
  fixture: "traffic-split/locality-weights.yaml",
  twins: [SKEW_LOCALITIES, EQUALIZE],
  timeoutMs: 60_000,
  run: (ctx) => runSplitCheck(ctx, PLAN_LOCALITIES),
});
