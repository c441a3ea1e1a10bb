// make-before-break: under constant open-loop load through the data plane, a configuration change loses
// zero requests (xds_protocol#eventual-consistency-considerations).
import type { CheckDefinition } from "../../harness/checks/define.ts";
import { addClusterSwitch } from "./add-cluster-switch.ts";
import { addListener } from "./add-listener.ts";
import { clusterUpdateUnderLoad } from "./cluster-update-under-load.ts";
import { healthCheckUpdate } from "./health-check-update.ts";
import { rdsUpdateKeepsConnections } from "./rds-update-keeps-connections.ts";
import { removeOldCluster } from "./remove-old-cluster.ts";
import { replaceFilterChain } from "./replace-filter-chain.ts";
import { rotateEndpoints } from "./rotate-endpoints.ts";
import { shiftRoute } from "./shift-route.ts";

export const MAKE_BEFORE_BREAK_CHECKS: CheckDefinition[] = [
  addClusterSwitch,
  shiftRoute,
  rotateEndpoints,
  removeOldCluster,
  replaceFilterChain,
  addListener,
  clusterUpdateUnderLoad,
  healthCheckUpdate,
  rdsUpdateKeepsConnections,
];
