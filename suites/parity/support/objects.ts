// The Kubernetes objects the parity checks write: one Service on CLUSTER_IP and its EndpointSlices, in
// the shape the EndpointSlice controller would produce (the local cluster has no controller: the harness
// writes the slices, with the conditions each step needs).
import {
  endpointSliceFor,
  type EndpointPort,
  type Service,
  type ServicePort,
  type SliceEndpoint,
} from "../../../harness/clusters/kube-types.ts";
import { CLUSTER_IP, NAMESPACE, type EchoPodSpec, type KubeState, type ParityTopology } from "./topology.ts";

export const SERVICE_NAME = "echo";

export function echoService(ports: ServicePort[], spec: Partial<Service["spec"]> = {}): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: SERVICE_NAME, namespace: NAMESPACE },
    spec: { clusterIP: CLUSTER_IP, ports, selector: { app: SERVICE_NAME }, ...spec },
  };
}

/** A slice of `service`; `suffix` names further slices (the controller splits by port numbers). */
export function slice(service: Service, endpoints: SliceEndpoint[], ports: EndpointPort[], suffix = "a") {
  return endpointSliceFor(service, endpoints, ports, `${SERVICE_NAME}-xdsc-${suffix}`);
}

/** Three pods listening on 8080: the default workload. */
export const THREE_PODS: EchoPodSpec[] = ["echo-0", "echo-1", "echo-2"].map((name) => ({
  name,
  ports: [8080],
}));

/** Service port 80 named "http" → target port 8080, and the slice port that goes with it. */
export const HTTP_PORT: ServicePort = { name: "http", port: 80, targetPort: 8080, protocol: "TCP" };
export const HTTP_SLICE_PORT: EndpointPort = { name: "http", port: 8080, protocol: "TCP" };

export const backend = (pod: string, port = 8080) => `${pod}:${port}`;

/** Endpoints for pods by name (ready and serving unless `conditions` says otherwise for a pod). */
export function podEndpoints(
  t: ParityTopology,
  pods: string[],
  conditions: (pod: string) => Partial<SliceEndpoint> = () => ({}),
): SliceEndpoint[] {
  return pods.map((p) => ({ ip: t.ip(p), podName: p, ...conditions(p) }));
}

/** The state most steps need: the HTTP Service (80 → 8080) and one slice of `endpoints`. */
export function httpServiceState(endpoints: SliceEndpoint[], spec: Partial<Service["spec"]> = {}): KubeState {
  const service = echoService([HTTP_PORT], spec);
  return { services: [service], slices: [slice(service, endpoints, [HTTP_SLICE_PORT])] };
}
