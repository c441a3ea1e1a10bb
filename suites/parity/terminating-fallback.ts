import { servedExactlyBy } from "./support/observe.ts";
import { backend, httpServiceState, podEndpoints, THREE_PODS } from "./support/objects.ts";
import { defineParityCheck } from "./support/define-parity.ts";
import { CLUSTER_IP } from "./support/topology.ts";

const SERVING_TERMINATING = { ready: false, serving: true, terminating: true };

// KEP-1669 (ProxyTerminatingEndpoints, GA in 1.28): kube-proxy uses serving-terminating endpoints only
// when a Service has no ready endpoint, and never endpoints that are terminating and not serving. The
// translator puts them at EDS priority 1, which Envoy uses only while priority 0 has no healthy host.
export const terminatingFallback = defineParityCheck({
  id: "parity.terminating-fallback",
  title: "Serving-terminating endpoints serve only when no endpoint is ready",
  spec: "kubernetes: concepts/services-networking/endpoint-slices#conditions (KEP-1669 terminating fallback)",
  twin: {
    fault: "drop-terminating",
    description:
      "the translator leaves out serving-terminating endpoints: the sidecar answers 503 when none is ready",
  },
  tag: "must-match",
  behaviour: "ready → serving-terminating fallback",
  pods: THREE_PODS,
  steps: [
    {
      name: "two ready, one serving-terminating",
      state: (t) =>
        httpServiceState(
          podEndpoints(t, ["echo-0", "echo-1", "echo-2"], (p) => (p === "echo-0" ? SERVING_TERMINATING : {})),
        ),
      rules: (t) => ({ present: [CLUSTER_IP, t.ip("echo-1"), t.ip("echo-2")] }),
      traffic: [{ label: "30 requests, new connection each", port: 80, count: 30 }],
      expected: { kubeProxy: "the 2 ready pods only", sidecar: "the 2 ready pods only" },
      judge: ([obs]) => servedExactlyBy(obs!, [backend("echo-1"), backend("echo-2")]),
    },
    {
      name: "none ready: one serving-terminating, one terminating not serving",
      state: (t) =>
        httpServiceState(
          podEndpoints(t, ["echo-0", "echo-1"], (p) =>
            p === "echo-1" ? SERVING_TERMINATING : { ready: false, serving: false, terminating: true },
          ),
        ),
      rules: (t) => ({ present: [t.ip("echo-1")], absent: [t.ip("echo-0"), t.ip("echo-2")] }),
      traffic: [{ label: "30 requests, new connection each", port: 80, count: 30 }],
      expected: {
        kubeProxy: "the serving-terminating pod only",
        sidecar: "the serving-terminating pod only",
      },
      judge: ([obs]) => servedExactlyBy(obs!, [backend("echo-1")]),
    },
  ],
});
