import { allFailWith } from "./support/observe.ts";
import { httpServiceState } from "./support/objects.ts";
import { defineParityCheck } from "./support/define-parity.ts";
import { CLUSTER_IP } from "./support/topology.ts";

// A Service without endpoints: kube-proxy REJECTs (ICMP port unreachable → the client's connect fails
// with ECONNREFUSED); a sidecar accepts the connection and answers HTTP 503 "no healthy upstream". The
// difference is by design (the client must handle both); each side must still behave as documented.
export const noEndpoints = defineParityCheck({
  id: "parity.no-endpoints",
  title: "A Service without endpoints: connection refused via kube-proxy, HTTP 503 via the sidecar",
  spec: "kubernetes: reference/networking/virtual-ips (services without endpoints are rejected)",
  twin: {
    fault: "omit-empty-service",
    description:
      "the translator drops a Service without endpoints entirely: the sidecar answers 404 (no route)",
  },
  tag: "divergence-by-design",
  behaviour: "no endpoints",
  pods: [],
  steps: [
    {
      name: "Service with an empty EndpointSlice",
      state: () => httpServiceState([]),
      rules: () => ({ present: [CLUSTER_IP] }),
      traffic: [{ label: "5 requests, new connection each", port: 80, count: 5 }],
      expected: {
        kubeProxy: "connection refused",
        sidecar: "HTTP 503 no healthy upstream",
      },
      judge: ([obs], path) =>
        path.startsWith("kube-proxy")
          ? allFailWith(obs!, "connect-refused")
          : allFailWith(obs!, "503", /no healthy upstream/),
    },
  ],
});
