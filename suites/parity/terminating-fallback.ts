import { defineCheck } from "../../harness/checks/define.ts";
import { servedExactlyBy } from "./support/observe.ts";
import { backend, echoService, HTTP_PORT, HTTP_SLICE_PORT, slice, THREE_PODS } from "./support/objects.ts";
import { runParity } from "./support/run-parity.ts";
import { CLUSTER_IP } from "./support/topology.ts";

// KEP-1669 (ProxyTerminatingEndpoints, GA in 1.28): kube-proxy uses serving-terminating endpoints only
// when a Service has no ready endpoint, and never endpoints that are terminating and not serving. The
// translator puts them at EDS priority 1, which Envoy uses only while priority 0 has no healthy host.
export const terminatingFallback = defineCheck({
  id: "parity.terminating-fallback",
  suite: "parity",
  title: "[must-match] Serving-terminating endpoints serve only when no endpoint is ready",
  spec: "kubernetes: concepts/services-networking/endpoint-slices#conditions (KEP-1669 terminating fallback)",
  role: "control-plane",
  requires: ["kube", "reference-cp"],
  appliesTo: (v) => v.transport === "sotw" && v.mode === "ads",
  twins: [
    {
      name: "translator:drop-terminating",
      description:
        "the translator leaves out serving-terminating endpoints: the sidecar answers 503 when none is ready",
      params: { translatorFault: "drop-terminating" },
    },
  ],
  timeoutMs: 120_000,
  run: (ctx) =>
    runParity(ctx, {
      tag: "must-match",
      behaviour: "ready → serving-terminating fallback",
      pods: THREE_PODS,
      steps: [
        {
          name: "two ready, one serving-terminating",
          state: (t) => {
            const service = echoService([HTTP_PORT]);
            const endpoints = [
              { ip: t.ip("echo-0"), podName: "echo-0", ready: false, serving: true, terminating: true },
              { ip: t.ip("echo-1"), podName: "echo-1" },
              { ip: t.ip("echo-2"), podName: "echo-2" },
            ];
            return { services: [service], slices: [slice(service, endpoints, [HTTP_SLICE_PORT])] };
          },
          rules: (t) => ({ present: [CLUSTER_IP, t.ip("echo-1"), t.ip("echo-2")] }),
          traffic: [{ label: "30 requests, new connection each", port: 80, count: 30 }],
          expected: { kubeProxy: "the 2 ready pods only", sidecar: "the 2 ready pods only" },
          judge: ([obs]) => servedExactlyBy(obs!, [backend("echo-1"), backend("echo-2")]),
        },
        {
          name: "none ready: one serving-terminating, one terminating not serving",
          state: (t) => {
            const service = echoService([HTTP_PORT]);
            const endpoints = [
              { ip: t.ip("echo-0"), podName: "echo-0", ready: false, serving: false, terminating: true },
              { ip: t.ip("echo-1"), podName: "echo-1", ready: false, serving: true, terminating: true },
            ];
            return { services: [service], slices: [slice(service, endpoints, [HTTP_SLICE_PORT])] };
          },
          rules: (t) => ({ present: [t.ip("echo-1")], absent: [t.ip("echo-0"), t.ip("echo-2")] }),
          traffic: [{ label: "30 requests, new connection each", port: 80, count: 30 }],
          expected: {
            kubeProxy: "the serving-terminating pod only",
            sidecar: "the serving-terminating pod only",
          },
          judge: ([obs]) => servedExactlyBy(obs!, [backend("echo-1")]),
        },
      ],
    }),
});
