// Shared pieces of the end-to-end tests.
import type { Stack } from "../../harness/scenario/stack.ts";
import { edsCluster, httpListener, loadAssignment, routeConfig } from "../../harness/xds/resources.ts";

/** The smoke topology: listener "ingress" → RDS "local" → EDS cluster "backend" with endpoints v1 and v2. */
export function smokeResources(stack: Stack) {
  const [v1, v2] = [stack.backends.get("v1")!, stack.backends.get("v2")!];
  return [
    edsCluster("backend"),
    loadAssignment("backend", [{ port: v1.port }, { port: v2.port }]),
    httpListener("ingress", stack.listenerPorts.get("ingress")!, "local"),
    routeConfig("local", "backend"),
  ];
}
