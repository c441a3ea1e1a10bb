import type { Service } from "../../harness/clusters/kube-types.ts";
import { servedExactlyBy } from "./support/observe.ts";
import { backend, echoService, HTTP_PORT, HTTP_SLICE_PORT, podEndpoints, slice } from "./support/objects.ts";
import { defineParityCheck } from "./support/define-parity.ts";
import type { PathName } from "./support/run-parity.ts";
import { CLUSTER_IP, NAMESPACE, type ParityTopology } from "./support/topology.ts";

const HEADLESS = "echo-headless";
const EXTERNAL = "echo-external";

function headlessService(): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: HEADLESS, namespace: NAMESPACE },
    spec: { clusterIP: "None", ports: [HTTP_PORT], selector: { app: HEADLESS } },
  };
}

function externalNameService(): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    // .invalid (RFC 2606): never resolvable, so nothing can be routed off the machine for it.
    metadata: { name: EXTERNAL, namespace: NAMESPACE },
    spec: { type: "ExternalName", externalName: "echo.example.invalid" },
  };
}

/** What the path was programmed with must mention neither Service nor the headless Service's pod. */
function programsNothing(config: string, path: PathName, t: ParityTopology): string | undefined {
  const needles = path.startsWith("kube-proxy")
    ? [`${NAMESPACE}/${HEADLESS}`, `${NAMESPACE}/${EXTERNAL}`, t.ip("echo-1")]
    : [`${HEADLESS}.${NAMESPACE}`, `${EXTERNAL}.${NAMESPACE}`, `"${t.ip("echo-1")}"`];
  const found = needles.filter((n) => config.includes(n));
  if (found.length === 0) return undefined;
  const what = path.startsWith("kube-proxy") ? "rules" : "Envoy config dump";
  return `expected no ${what} for the headless and ExternalName Services, got mentions of ${found.join(", ")}`;
}

// Headless (clusterIP None) and ExternalName Services have no virtual IP: kube-proxy programs nothing
// for them (clients resolve the pods, or the external name, through DNS), and a translation that serves
// them would capture traffic kube-proxy leaves alone. Judged on what each path is programmed with: the
// node's iptables/nft dump and the sidecar's config dump. Absence is judged once the path has programmed
// an ordinary Service written after both (its rules appear / Envoy ACKed it), with traffic to it as the
// proof that the path works at all.
export const headlessExternalName = defineParityCheck({
  id: "parity.headless-external-name",
  title: "Headless and ExternalName Services: neither path programs anything for them",
  spec: "kubernetes: concepts/services-networking/service#headless-services, #externalname",
  twin: {
    fault: "headless-as-cluster-ip",
    description:
      "the translator treats a headless Service like a ClusterIP one: the sidecar gets a cluster and a route for it",
  },
  tag: "must-match",
  behaviour: "headless and ExternalName Services",
  pods: ["echo-0", "echo-1"].map((name) => ({ name, ports: [8080] })),
  steps: [
    {
      name: "headless + ExternalName, then an ordinary Service",
      state: (t) => {
        const headless = headlessService();
        const ordinary = echoService([HTTP_PORT]);
        // Written in this order: the ordinary Service and its slice last, so that once a path has
        // them it has seen the other two (each watch delivers in order).
        return {
          services: [headless, externalNameService(), ordinary],
          slices: [
            slice(headless, podEndpoints(t, ["echo-1"]), [HTTP_SLICE_PORT], "headless"),
            slice(ordinary, podEndpoints(t, ["echo-0"]), [HTTP_SLICE_PORT]),
          ],
        };
      },
      rules: (t) => ({ present: [CLUSTER_IP, t.ip("echo-0")] }),
      traffic: [{ label: "6 requests to the ordinary Service", port: 80, count: 6 }],
      expected: {
        kubeProxy: "no rule for either Service; the ordinary one served by echo-0",
        sidecar: "no cluster, route or endpoint for either; the ordinary one served by echo-0",
      },
      judge: ([obs], path, t, config) =>
        servedExactlyBy(obs!, [backend("echo-0")]) ?? programsNothing(config, path, t),
    },
  ],
});
