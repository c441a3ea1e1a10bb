import { defineCheck } from "../../harness/checks/define.ts";
import { servedExactlyBy } from "./support/observe.ts";
import { backend, echoService, HTTP_PORT, HTTP_SLICE_PORT, slice, THREE_PODS } from "./support/objects.ts";
import { runParity } from "./support/run-parity.ts";
import { CLUSTER_IP } from "./support/topology.ts";

/** A node that does not exist: endpoints "on" it are remote for the client's node. */
const REMOTE_NODE = "xdsc-remote-node";

// internalTrafficPolicy Local: traffic from a node goes only to endpoints on that node. The clients run
// on the cluster's one real node; two of the three endpoints claim another node, so only echo-0 is local.
export const internalTrafficPolicy = defineCheck({
  id: "parity.internal-traffic-policy-local",
  suite: "parity",
  title: "[must-match] internalTrafficPolicy Local keeps traffic on the client's node",
  spec: "kubernetes: concepts/services-networking/service-traffic-policy",
  role: "control-plane",
  requires: ["kube", "reference-cp"],
  appliesTo: (v) => v.transport === "sotw" && v.mode === "ads",
  twins: [
    {
      name: "translator:ignore-internal-traffic-policy",
      description:
        "the translator ignores internalTrafficPolicy: the sidecar also sends to the remote endpoints",
      params: { translatorFault: "ignore-internal-traffic-policy" },
    },
  ],
  timeoutMs: 120_000,
  run: (ctx) =>
    runParity(ctx, {
      tag: "must-match",
      behaviour: "internalTrafficPolicy Local",
      pods: THREE_PODS,
      steps: [
        {
          name: "echo-0 on the client's node, echo-1/echo-2 on another",
          state: (t) => {
            const service = echoService([HTTP_PORT], { internalTrafficPolicy: "Local" });
            const endpoints = [
              { ip: t.ip("echo-0"), podName: "echo-0", nodeName: t.cluster.nodeName },
              { ip: t.ip("echo-1"), podName: "echo-1", nodeName: REMOTE_NODE },
              { ip: t.ip("echo-2"), podName: "echo-2", nodeName: REMOTE_NODE },
            ];
            return { services: [service], slices: [slice(service, endpoints, [HTTP_SLICE_PORT])] };
          },
          rules: (t) => ({ present: [CLUSTER_IP, t.ip("echo-0")], absent: [t.ip("echo-1"), t.ip("echo-2")] }),
          traffic: [{ label: "30 requests, new connection each", port: 80, count: 30 }],
          expected: { kubeProxy: "the node-local pod only", sidecar: "the node-local pod only" },
          judge: ([obs]) => servedExactlyBy(obs!, [backend("echo-0")]),
        },
      ],
    }),
});
