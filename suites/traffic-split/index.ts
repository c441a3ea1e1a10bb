// traffic-split: weighted clusters (2-, 3-, 5-way), weight 0, endpoint and locality weights, a weight
// change under load, per-request vs per-connection splits. Each check declares α, tolerance and power.
import type { CheckDefinition } from "../../harness/checks/define.ts";
import { endpointWeights } from "./endpoint-weights.ts";
import { grpcWeightZeroCluster } from "./grpc-weight-zero-cluster.ts";
import { grpcWeightedClusters } from "./grpc-weighted-clusters.ts";
import { localityWeights } from "./locality-weights.ts";
import { perRequestOneConnection } from "./per-request-one-connection.ts";
import { tcpPerConnection } from "./tcp-per-connection.ts";
import { weightChangeAfterAck } from "./weight-change-after-ack.ts";
import { weightZero } from "./weight-zero.ts";
import { weighted3Way } from "./weighted-3-way.ts";
import { weighted5050 } from "./weighted-50-50.ts";
import { weighted5Way } from "./weighted-5-way.ts";
import { weighted9010 } from "./weighted-90-10.ts";
import { weighted991 } from "./weighted-99-1.ts";

export const TRAFFIC_SPLIT_CHECKS: CheckDefinition[] = [
  weighted5050,
  weighted9010,
  weighted991,
  weighted3Way,
  weighted5Way,
  weightZero,
  endpointWeights,
  localityWeights,
  weightChangeAfterAck,
  perRequestOneConnection,
  tcpPerConnection,
  grpcWeightedClusters,
  grpcWeightZeroCluster,
];
