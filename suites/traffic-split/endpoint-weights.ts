import { defineCheck } from "../../harness/checks/define.ts";
import { ALPHA, POWER, type SplitPlan } from "./support/plan.ts";
import { runSplitCheck } from "./support/run-split.ts";
import { EQUALIZE, SKEW, SKEW_ENDPOINTS } from "./support/twins.ts";

// Envoy's weighted round robin (EDF) is close to deterministic, not Bernoulli: the binomial variance the
// SPRT assumes is an upper bound, so the declared α is conservative and deviations are found sooner.
export const PLAN_ENDPOINTS: SplitPlan = {
  weights: { a: 90, b: 10 },
  statistics: { alpha: ALPHA, tolerance: SKEW, power: POWER },
  method: { kind: "sprt", target: "b" },
};

export const endpointWeights = defineCheck({
  id: "traffic-split.endpoint-weights",
  suite: "traffic-split",
  statistics: { alpha: ALPHA, power: POWER },
  title: "Endpoint load_balancing_weight 90/10 within one locality splits requests 90/10 within ±3 points",
  spec: "endpoint_components.proto LbEndpoint.load_balancing_weight",
  role: "data-plane",
  requires: ["http-listener"],
  fixture: "traffic-split/endpoint-weights.yaml",
  twins: [SKEW_ENDPOINTS, EQUALIZE],
  timeoutMs: 60_000,
  run: (ctx) => runSplitCheck(ctx, PLAN_ENDPOINTS),
});
