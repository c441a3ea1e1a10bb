import { pinnedToOne, servedExactlyBy } from "./support/observe.ts";
import { backend, httpServiceState, podEndpoints, THREE_PODS } from "./support/objects.ts";
import { defineParityCheck } from "./support/define-parity.ts";
import { CLUSTER_IP } from "./support/topology.ts";

const PODS = ["echo-0", "echo-1", "echo-2"];

// kube-proxy NATs a connection once (conntrack): every request on a keep-alive connection reaches the
// same pod. A sidecar terminates HTTP and picks an endpoint per request. The difference is by design; the
// sidecar must still spread the requests over every ready endpoint (45 requests over 3: the chance that a
// correct sidecar misses one is 3·(2/3)^45 ≈ 3e-8).
export const distributionKeepalive = defineParityCheck({
  id: "parity.distribution-keepalive",
  title: "Requests on one keep-alive connection: one pod via kube-proxy, spread by the sidecar",
  spec: "kubernetes: reference/networking/virtual-ips; envoy: intro/arch_overview/upstream/load_balancing",
  twin: {
    fault: "drop-last-endpoint",
    description: "the translator leaves out the last ready endpoint: the sidecar spreads over two pods only",
  },
  tag: "divergence-by-design",
  behaviour: "distribution of requests on one keep-alive connection",
  pods: THREE_PODS,
  steps: [
    {
      name: "three ready endpoints",
      state: (t) => httpServiceState(podEndpoints(t, PODS)),
      rules: (t) => ({ present: [CLUSTER_IP, ...PODS.map((p) => t.ip(p))] }),
      traffic: [{ label: "45 requests on one keep-alive connection", port: 80, count: 45, keepAlive: true }],
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
});
