import { uniformOver } from "./support/observe.ts";
import { backend, httpServiceState, podEndpoints, THREE_PODS } from "./support/objects.ts";
import { defineParityCheck } from "./support/define-parity.ts";
import { CLUSTER_IP } from "./support/topology.ts";

const PODS = ["echo-0", "echo-1", "echo-2"];

// kube-proxy's iptables/nftables modes pick an endpoint at random per connection (statistic/numgen
// random); the translator uses Envoy's RANDOM policy, so with a new connection per request both must
// spread uniformly over every ready endpoint.
export const distributionPerConnection = defineParityCheck({
  id: "parity.distribution-per-connection",
  title: "New connections spread uniformly over every ready endpoint",
  spec: "kubernetes: reference/networking/virtual-ips (iptables/nftables modes: random endpoint per connection)",
  twin: {
    fault: "drop-last-endpoint",
    description: "the translator leaves out the last ready endpoint: one pod never gets sidecar traffic",
  },
  tag: "must-match",
  behaviour: "distribution across endpoints, one request per connection",
  pods: THREE_PODS,
  steps: [
    {
      name: "three ready endpoints",
      state: (t) => httpServiceState(podEndpoints(t, PODS)),
      rules: (t) => ({ present: [CLUSTER_IP, ...PODS.map((p) => t.ip(p))] }),
      traffic: [{ label: "150 requests, new connection each", port: 80, count: 150 }],
      expected: { kubeProxy: "uniform over 3 pods", sidecar: "uniform over 3 pods" },
      judge: ([obs]) =>
        uniformOver(
          obs!,
          PODS.map((p) => backend(p)),
        ),
    },
  ],
});
