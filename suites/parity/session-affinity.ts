import { pinnedToOne } from "./support/observe.ts";
import { backend, httpServiceState, podEndpoints, THREE_PODS } from "./support/objects.ts";
import { defineParityCheck } from "./support/define-parity.ts";
import { CLUSTER_IP } from "./support/topology.ts";

const PODS = ["echo-0", "echo-1", "echo-2"];

// sessionAffinity ClientIP: every connection from one client IP goes to the same pod (kube-proxy: the
// `recent` match / nftables affinity sets, 10800 s by default). The translator expresses it as a ring
// hash on the source IP, so the sidecar must also send every request from the pod to one endpoint (which
// one may differ between the paths; the idle timeout has no xDS counterpart, see EXPECTATIONS.md).
export const sessionAffinity = defineParityCheck({
  id: "parity.session-affinity",
  title: "sessionAffinity ClientIP sends every connection from a client to one pod",
  spec: "kubernetes: reference/networking/virtual-ips#session-affinity",
  twin: {
    fault: "ignore-affinity",
    description: "the translator ignores sessionAffinity: the sidecar spreads the client's requests",
  },
  tag: "must-match",
  behaviour: "ClientIP session affinity",
  pods: THREE_PODS,
  steps: [
    {
      name: "three ready endpoints, ClientIP affinity",
      state: (t) => httpServiceState(podEndpoints(t, PODS), { sessionAffinity: "ClientIP" }),
      rules: (t) => ({ present: [CLUSTER_IP, ...PODS.map((p) => t.ip(p))] }),
      traffic: [{ label: "30 requests, new connection each", port: 80, count: 30 }],
      expected: { kubeProxy: "all to one pod", sidecar: "all to one pod" },
      judge: ([obs]) =>
        pinnedToOne(
          obs!,
          PODS.map((p) => backend(p)),
        ),
    },
  ],
});
