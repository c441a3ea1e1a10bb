// ordering: the control plane sequences additions CDS → EDS → LDS → RDS and removals the other way
// (from the transcript), and the data plane uses a cluster only once it has warmed.
import type { CheckDefinition } from "../../harness/checks/define.ts";
import { clusterWarmBeforeReference } from "./cluster-warm-before-reference.ts";
import { dpClusterWarmBeforeUse } from "./dp-cluster-warm-before-use.ts";
import { listenerBeforeRoutes } from "./listener-before-routes.ts";
import { unreferenceBeforeRemoval } from "./unreference-before-removal.ts";

export const ORDERING_CHECKS: CheckDefinition[] = [
  clusterWarmBeforeReference,
  listenerBeforeRoutes,
  unreferenceBeforeRemoval,
  dpClusterWarmBeforeUse,
];
