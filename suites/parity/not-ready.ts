import { defineCheck } from "../../harness/checks/define.ts";
import { servedExactlyBy } from "./support/observe.ts";
import { backend, echoService, HTTP_PORT, HTTP_SLICE_PORT, slice, THREE_PODS } from "./support/objects.ts";
import { runParity } from "./support/run-parity.ts";
import { CLUSTER_IP } from "./support/topology.ts";

const PODS = ["echo-0", "echo-1", "echo-2"];

// An endpoint that becomes not ready (and is not terminating: e.g. a failing readiness probe) stops
// receiving new connections through kube-proxy; the sidecar must stop sending to it too.
export const notReady = defineCheck({
  id: "parity.not-ready",
  suite: "parity",
  title: "[must-match] An endpoint that becomes not ready stops receiving traffic",
  spec: "kubernetes: concepts/services-networking/endpoint-slices#conditions (ready)",
  role: "control-plane",
  requires: ["kube", "reference-cp"],
  appliesTo: (v) => v.transport === "sotw" && v.mode === "ads",
  twins: [
    {
      name: "translator:include-not-ready",
      description:
        "the translator ignores the ready condition: the not-ready pod keeps receiving sidecar traffic",
      params: { translatorFault: "include-not-ready" },
    },
  ],
  timeoutMs: 120_000,
  run: (ctx) =>
    runParity(ctx, {
      tag: "must-match",
      behaviour: "endpoint becoming not ready",
      pods: THREE_PODS,
      steps: [
        {
          name: "three ready endpoints",
          state: (t) => {
            const service = echoService([HTTP_PORT]);
            const endpoints = PODS.map((p) => ({ ip: t.ip(p), podName: p }));
            return { services: [service], slices: [slice(service, endpoints, [HTTP_SLICE_PORT])] };
          },
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
          state: (t) => {
            const service = echoService([HTTP_PORT]);
            const endpoints = PODS.map((p) => ({ ip: t.ip(p), podName: p, ready: p !== "echo-2" }));
            return { services: [service], slices: [slice(service, endpoints, [HTTP_SLICE_PORT])] };
          },
          rules: (t) => ({ present: [t.ip("echo-0"), t.ip("echo-1")], absent: [t.ip("echo-2")] }),
          traffic: [{ label: "30 requests, new connection each", port: 80, count: 30 }],
          expected: { kubeProxy: "the 2 ready pods only", sidecar: "the 2 ready pods only" },
          judge: ([obs]) => servedExactlyBy(obs!, [backend("echo-0"), backend("echo-1")]),
        },
      ],
    }),
});
