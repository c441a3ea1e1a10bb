import { defineCheck } from "../../harness/checks/define.ts";
import { ALPHA, POWER, type SplitPlan } from "./support/plan.ts";
import { runGrpcSplitCheck } from "./support/grpc-split.ts";
import { EQUALIZE } from "./support/twins.ts";

// Weights far below 100 and no total_weight: the shape grpc-js-xds < 1.14.1 mishandled (grpc-node#3069),
// picking in [0, 100) so that most picks found no cluster. δ is 5 points (not the HTTP checks' 3): the
// twins are off by 25 points or more, and each sample is an RPC through a child process.
export const PLAN_GRPC_1_3: SplitPlan = {
  weights: { a: 1, b: 3 },
  statistics: { alpha: ALPHA, tolerance: 0.05, power: POWER },
  method: { kind: "sprt", target: "a" },
};

export const grpcWeightedClusters = defineCheck({
  id: "traffic-split.grpc-weighted-clusters",
  suite: "traffic-split",
  statistics: { alpha: ALPHA, power: POWER },
  title: "A proxyless gRPC client splits RPCs 1/3 over weighted_clusters without total_weight, none failing",
  spec: "route_components.proto WeightedCluster.total_weight (deprecated: the total is the sum of the weights); gRFC A28",
  role: "both",
  requires: ["proxyless"],
  fixture: "traffic-split/grpc-weighted-clusters.yaml",
  twins: [
    {
      name: "fault:weighted-empty-pick",
      description:
        "pads weighted_clusters without total_weight up to 100 with a cluster that does not exist, as grpc-js-xds < 1.14.1 picked (grpc-node#3069)",
      server: { faults: ["weighted-empty-pick"] },
    },
    EQUALIZE,
  ],
  timeoutMs: 90_000,
  run: (ctx) => runGrpcSplitCheck(ctx, PLAN_GRPC_1_3),
});
