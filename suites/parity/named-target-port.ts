import { servedExactlyBy } from "./support/observe.ts";
import { backend, echoService, podEndpoints, slice } from "./support/objects.ts";
import { defineParityCheck } from "./support/define-parity.ts";
import { CLUSTER_IP } from "./support/topology.ts";

// A named targetPort resolves per pod: pods may expose the port name on different numbers, and the
// EndpointSlice controller then writes one slice per port number. kube-proxy DNATs each endpoint to its
// own slice's number; the translator must take each endpoint's port from its own slice, by port name.
export const namedTargetPort = defineParityCheck({
  id: "parity.named-target-port",
  title: "A named target port reaches each pod on its own port number",
  spec: "kubernetes: concepts/services-networking/service#field-spec-ports (targetPort by name); EndpointSlice ports",
  twin: {
    fault: "wrong-port-mapping",
    description:
      "the translator resolves port numbers once per Service: echo-1 is dialled on 8080, where nothing listens",
  },
  tag: "must-match",
  behaviour: "named target port",
  pods: [
    { name: "echo-0", ports: [8080] },
    { name: "echo-1", ports: [9090] },
    { name: "echo-2", ports: [8080] },
  ],
  steps: [
    {
      name: "targetPort web: 8080 on echo-0/echo-2, 9090 on echo-1",
      state: (t) => {
        const service = echoService([{ name: "http", port: 80, targetPort: "web", protocol: "TCP" }]);
        const port = (n: number) => [{ name: "http", port: n, protocol: "TCP" as const }];
        return {
          services: [service],
          slices: [
            slice(service, podEndpoints(t, ["echo-0", "echo-2"]), port(8080), "a"),
            slice(service, podEndpoints(t, ["echo-1"]), port(9090), "b"),
          ],
        };
      },
      rules: (t) => ({ present: [CLUSTER_IP, t.ip("echo-0"), t.ip("echo-1"), t.ip("echo-2"), "9090"] }),
      traffic: [{ label: "60 requests, new connection each", port: 80, count: 60 }],
      expected: {
        kubeProxy: "all 3 pods, each on its own port",
        sidecar: "all 3 pods, each on its own port",
      },
      judge: ([obs]) =>
        servedExactlyBy(obs!, [backend("echo-0"), backend("echo-1", 9090), backend("echo-2")]),
    },
  ],
});
