import { servedExactlyBy } from "./support/observe.ts";
import { backend, echoService, podEndpoints, slice } from "./support/objects.ts";
import { defineParityCheck } from "./support/define-parity.ts";
import { CLUSTER_IP } from "./support/topology.ts";

const PODS = ["echo-0", "echo-1"];

// A Service with several ports: each Service port maps to its own target port, matched to the
// EndpointSlice ports by name (the API does not order slice ports like the Service's; here they are
// listed the other way round, as a controller may write them).
export const multiPort = defineParityCheck({
  id: "parity.multi-port",
  title: "Each port of a multi-port Service reaches its own target port",
  spec: "kubernetes: concepts/services-networking/service#multi-port-services",
  twin: {
    fault: "wrong-port-mapping",
    description:
      "the translator matches slice ports to Service ports by position: port 80 reaches 9090 and 81 reaches 8080",
  },
  tag: "must-match",
  behaviour: "Service with several ports",
  pods: PODS.map((name) => ({ name, ports: [8080, 9090] })),
  steps: [
    {
      name: "web 80→8080, admin 81→9090",
      state: (t) => {
        const service = echoService([
          { name: "web", port: 80, targetPort: 8080, protocol: "TCP" },
          { name: "admin", port: 81, targetPort: 9090, protocol: "TCP" },
        ]);
        const ports = [
          { name: "admin", port: 9090, protocol: "TCP" as const },
          { name: "web", port: 8080, protocol: "TCP" as const },
        ];
        return { services: [service], slices: [slice(service, podEndpoints(t, PODS), ports)] };
      },
      rules: (t) => ({ present: [CLUSTER_IP, ...PODS.map((p) => t.ip(p)), "9090", "8080"] }),
      traffic: [
        { label: "port 80: 30 requests, new connection each", port: 80, count: 30 },
        { label: "port 81: 30 requests, new connection each", port: 81, count: 30 },
      ],
      expected: {
        kubeProxy: "80 → pods' 8080, 81 → pods' 9090",
        sidecar: "80 → pods' 8080, 81 → pods' 9090",
      },
      judge: ([web, admin]) =>
        servedExactlyBy(
          web!,
          PODS.map((p) => backend(p, 8080)),
        ) ??
        servedExactlyBy(
          admin!,
          PODS.map((p) => backend(p, 9090)),
        ),
    },
  ],
});
