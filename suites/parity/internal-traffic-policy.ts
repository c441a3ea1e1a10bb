import { servedExactlyBy } from "./support/observe.ts";
import { backend, httpServiceState, podEndpoints, THREE_PODS } from "./support/objects.ts";
import { defineParityCheck } from "./support/define-parity.ts";
import { CLUSTER_IP } from "./support/topology.ts";

/** A node that does not exist: endpoints "on" it are remote for the client's node. */
const REMOTE_NODE = "xdsc-remote-node";

// internalTrafficPolicy Local: traffic from a node goes only to endpoints on that node. The clients run
// on the cluster's one real node; two of the three endpoints claim another node, so only echo-0 is local.
export const internalTrafficPolicy = defineParityCheck({
  id: "parity.internal-traffic-policy-local",
  title: "internalTrafficPolicy Local keeps traffic on the client's node",
  spec: "kubernetes: concepts/services-networking/service-traffic-policy",
  twin: {
    fault: "ignore-internal-traffic-policy",
    description:
      "the translator ignores internalTrafficPolicy: the sidecar also sends to the remote endpoints",
  },
  tag: "must-match",
  behaviour: "internalTrafficPolicy Local",
  pods: THREE_PODS,
  steps: [
    {
      name: "echo-0 on the client's node, echo-1/echo-2 on another",
      state: (t) =>
        httpServiceState(
          podEndpoints(t, ["echo-0", "echo-1", "echo-2"], (p) => ({
            nodeName: p === "echo-0" ? t.cluster.nodeName : REMOTE_NODE,
          })),
          { internalTrafficPolicy: "Local" },
        ),
      rules: (t) => ({ present: [CLUSTER_IP, t.ip("echo-0")], absent: [t.ip("echo-1"), t.ip("echo-2")] }),
      traffic: [{ label: "30 requests, new connection each", port: 80, count: 30 }],
      expected: { kubeProxy: "the node-local pod only", sidecar: "the node-local pod only" },
      judge: ([obs]) => servedExactlyBy(obs!, [backend("echo-0")]),
    },
  ],
});
