// parity: the same client workload to the same Service through kube-proxy (iptables, nftables; ipvs
// where the kernel has it) and through an Envoy sidecar fed by a control plane via transparent
// interception (README.md; the expected result per path is in EXPECTATIONS.md).
import type { CheckDefinition } from "../../harness/checks/define.ts";
import { distributionPerConnection } from "./distribution-per-connection.ts";
import { distributionKeepalive } from "./distribution-keepalive.ts";
import { terminatingFallback } from "./terminating-fallback.ts";
import { noEndpoints } from "./no-endpoints.ts";
import { namedTargetPort } from "./named-target-port.ts";
import { multiPort } from "./multi-port.ts";
import { sessionAffinity } from "./session-affinity.ts";
import { internalTrafficPolicy } from "./internal-traffic-policy.ts";
import { notReady } from "./not-ready.ts";
import { headlessExternalName } from "./headless-external-name.ts";
import { endpointChurn } from "./endpoint-churn.ts";

export const PARITY_CHECKS: CheckDefinition[] = [
  distributionPerConnection,
  distributionKeepalive,
  terminatingFallback,
  noEndpoints,
  namedTargetPort,
  multiPort,
  sessionAffinity,
  internalTrafficPolicy,
  notReady,
  headlessExternalName,
  endpointChurn,
];
