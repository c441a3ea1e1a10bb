import { defineCheck } from "../../harness/checks/define.ts";
import { pinnedToOne, servedExactlyBy } from "./support/observe.ts";
import { backend, echoService, HTTP_PORT, HTTP_SLICE_PORT, slice, THREE_PODS } from "./support/objects.ts";
import { runParity } from "./support/run-parity.ts";
import { CLUSTER_IP } from "./support/topology.ts";

const PODS = ["echo-0", "echo-1", "echo-2"];

// kube-proxy NATs a connection once (conntrack): every request on a keep-alive connection reaches the
// same pod. A sidecar terminates HTTP and picks an endpoint per request. The difference is by design; the
// sidecar must still spread the requests over every ready endpoint (45 requests over 3: the chance that a
// correct sidecar misses one is 3·(2/3)^45 ≈ 3e-8).
export const distributionKeepalive = defineCheck({
  id: "parity.distribution-keepalive",
  suite: "parity",
  title:
    "[divergence-by-design] Requests on one keep-alive connection: one pod via kube-proxy, spread by the sidecar",
  spec: "kubernetes: reference/networking/virtual-ips; envoy: intro/arch_overview/upstream/load_balancing",
  role: "control-plane",
  requires: ["kube", "reference-cp"],
  appliesTo: (v) => v.transport === "sotw" && v.mode === "ads",
  twins: [
    {
      name: "translator:drop-last-endpoint",
      description:
        "the translator leaves out the last ready endpoint: the sidecar spreads over two pods only",
      params: { translatorFault: "drop-last-endpoint" },
    },
  ],
  timeoutMs: 120_000,
  run: (ctx) =>
    runParity(ctx, {
      tag: "divergence-by-design",
      behaviour: "distribution of requests on one keep-alive connection",
      pods: THREE_PODS,
      steps: [
        {
          name: "three ready endpoints",
          state: (t) => {
            const service = echoService([HTTP_PORT]);
            return {
              services: [service],
              slices: [
                slice(
                  service,
                  PODS.map((p) => ({ ip: t.ip(p), podName: p })),
                  [HTTP_SLICE_PORT],
                ),
              ],
            };
          },
          rules: (t) => ({ present: [CLUSTER_IP, ...PODS.map((p) => t.ip(p))] }),
          traffic: [
            { label: "45 requests on one keep-alive connection", port: 80, count: 45, keepAlive: true },
          ],
          expected: {
            kubeProxy: "all to one pod (per connection)",
            sidecar: "spread over all 3 pods (per request)",
          },
          judge: ([obs], path) => {
            const all = PODS.map((p) => backend(p));
            return path.startsWith("kube-proxy") ? pinnedToOne(obs!, all) : servedExactlyBy(obs!, all);
          },
        },
      ],
    }),
});
