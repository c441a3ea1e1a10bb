import { servedExactlyBy } from "./support/observe.ts";
import { backend, httpServiceState, podEndpoints, THREE_PODS } from "./support/objects.ts";
import { defineParityCheck } from "./support/define-parity.ts";
import { CLUSTER_IP } from "./support/topology.ts";

const PODS = ["echo-0", "echo-1", "echo-2"];

// An endpoint that becomes not ready (and is not terminating: e.g. a failing readiness probe) stops
// receiving new connections through kube-proxy; the sidecar must stop sending to it too.
export const notReady = defineParityCheck({
  id: "parity.not-ready",
  title: "An endpoint that becomes not ready stops receiving traffic",
  spec: "kubernetes: concepts/services-networking/endpoint-slices#conditions (ready)",
  twin: {
    fault: "include-not-ready",
    description:
      "the translator ignores the ready condition: the not-ready pod keeps receiving sidecar traffic",
  },
  tag: "must-match",
  behaviour: "endpoint becoming not ready",
  pods: THREE_PODS,
  steps: [
    {
      name: "three ready endpoints",
      state: (t) => httpServiceState(podEndpoints(t, PODS)),
      rules: (t) => ({ present: [CLUSTER_IP, ...PODS.map((p) => t.ip(p))] }),
      traffic: [{ label: "45 requests, new connection each", port: 80, count: 45 }],
      expected: { kubeProxy: "all 3 pods", sidecar: "all 3 pods" },
      judge: ([obs]) =>
        servedExactlyBy(
          obs!,
          PODS.map((p) => backend(p)),
        ),
    },
    {
      name: "echo-2 not ready (not terminating)",
      state: (t) => httpServiceState(podEndpoints(t, PODS, (p) => ({ ready: p !== "echo-2" }))),
      rules: (t) => ({ present: [t.ip("echo-0"), t.ip("echo-1")], absent: [t.ip("echo-2")] }),
      traffic: [{ label: "30 requests, new connection each", port: 80, count: 30 }],
      expected: { kubeProxy: "the 2 ready pods only", sidecar: "the 2 ready pods only" },
      judge: ([obs]) => servedExactlyBy(obs!, [backend("echo-0"), backend("echo-1")]),
    },
  ],
});
