import { observe } from "./support/observe.ts";
import { backend, httpServiceState, podEndpoints } from "./support/objects.ts";
import { defineParityCheck } from "./support/define-parity.ts";
import type { ChurnChange } from "./support/run-parity.ts";
import { CLUSTER_IP } from "./support/topology.ts";

const PODS = ["echo-0", "echo-1", "echo-2"];
/** Below this many requests the load did not cover the churn: the check says so rather than passing. */
const MIN_REQUESTS = 30;

/** A rolling update of a one-replica Deployment, from `from` to `to`, as the controllers write it. */
function rotate(from: string, to: string): ChurnChange[] {
  return [
    {
      name: `${to} starts and is ready`,
      before: (t) => t.startEcho(to),
      state: (t) => httpServiceState(podEndpoints(t, [from, to])),
      rules: (t) => ({ present: [t.ip(from), t.ip(to)] }),
    },
    {
      // The pod is deleted: terminating, and its readiness fails as it shuts down.
      name: `${from} terminating, not serving; then stops`,
      state: (t) =>
        httpServiceState(
          podEndpoints(t, [from, to], (p) =>
            p === from ? { ready: false, serving: false, terminating: true } : {},
          ),
        ),
      rules: (t) => ({ present: [t.ip(to)], absent: [t.ip(from)] }),
      after: (t) => t.stopEcho(from),
    },
    {
      name: `${from} removed`,
      state: (t) => httpServiceState(podEndpoints(t, [to])),
      rules: (t) => ({ present: [t.ip(to)], absent: [t.ip(from)] }),
    },
  ];
}

function lost(records: ReturnType<typeof observe>["records"]): number {
  return records.filter((r) => r.status !== 200).length;
}

// Endpoint churn under load: a one-replica Deployment rolls three times (echo-0 → echo-1 → echo-2 →
// echo-0) while one client sends requests back to back, a new connection each. Each pod stops only once
// the path no longer sends it anything (kube-proxy's rules without it; the sidecar's ACK of an EDS
// without it), as a graceful rollout would. The sidecar must lose nothing: the reference server pushes
// the new endpoint before it removes the old (make-before-break). kube-proxy's losses (a connection
// NATed to the old pod just before it stopped) are reported, never failed (EXPECTATIONS.md).
export const endpointChurn = defineParityCheck({
  id: "parity.endpoint-churn",
  title: "Endpoint churn under load: the sidecar loses no request; kube-proxy's losses are reported",
  spec: "kubernetes: concepts/workloads/pods/pod-lifecycle#pod-termination; xds_protocol#eventual-consistency-considerations",
  twin: {
    fault: "include-not-ready",
    description:
      "the translator ignores endpoint conditions: the sidecar keeps sending to the pod that is shutting down, and loses requests once it stops",
  },
  tag: "divergence-by-design",
  behaviour: "endpoint churn under load",
  pods: PODS.map((name) => ({ name, ports: [8080] })),
  steps: [
    {
      name: "rolling echo-0 → echo-1 → echo-2 → echo-0",
      state: (t) => httpServiceState(podEndpoints(t, ["echo-0"])),
      rules: (t) => ({ present: [CLUSTER_IP, t.ip("echo-0")], absent: [t.ip("echo-1"), t.ip("echo-2")] }),
      during: () => [
        ...rotate("echo-0", "echo-1"),
        ...rotate("echo-1", "echo-2"),
        ...rotate("echo-2", "echo-0"),
      ],
      traffic: [{ label: "constant load, new connection each, during 9 changes", port: 80, count: 20_000 }],
      expected: {
        kubeProxy: "reported: requests lost while the pods rotate (0 seen here)",
        sidecar: "no request lost: every one answered 200 by a pod of the Service",
      },
      judge: ([obs], path) => {
        const sent = obs!.records.length;
        if (sent < MIN_REQUESTS)
          return `expected at least ${MIN_REQUESTS} requests during the churn, got ${sent}`;
        const served = Object.keys(obs!.backends).filter((b) => !PODS.map((p) => backend(p)).includes(b));
        if (served.length > 0)
          return `expected answers from ${PODS.join(", ")} only, got ${served.join(", ")}`;
        if (path.startsWith("kube-proxy")) return undefined;
        const n = lost(obs!.records);
        return n === 0 ? undefined : `expected no request lost, got ${n} of ${sent} lost`;
      },
    },
  ],
});
