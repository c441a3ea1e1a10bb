// EndpointSlices → one ClusterLoadAssignment per Service port, keeping kube-proxy's endpoint selection:
//   - ready endpoints serve (priority 0);
//   - only when a Service has no ready endpoint does kube-proxy fall back to endpoints that are serving
//     and terminating (KEP-1669 "ProxyTerminatingEndpoints"). Envoy's priority levels express exactly
//     that: priority 1 receives traffic only while priority 0 has no healthy host. Priority 0 is always
//     emitted (possibly empty) because priorities must not skip a level (ClusterLoadAssignment docs).
//   - endpoints neither ready nor serving-terminating are left out, as kube-proxy leaves them out.
// https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/#conditions
import type { JsonObject } from "../proto/codec.ts";
import { ENDPOINT_TYPE_URL } from "../proto/type-urls.ts";
import type { Endpoint, EndpointSlice, Service, ServicePort } from "../clusters/kube-types.ts";
import { SERVICE_NAME_LABEL } from "../clusters/kube-types.ts";

export type EndpointClass = "ready" | "serving-terminating" | "excluded";

/** How kube-proxy treats one endpoint, from its conditions (an unset ready counts as ready). */
export function classifyEndpoint(endpoint: Endpoint): EndpointClass {
  const c = endpoint.conditions ?? {};
  const ready = c.ready ?? true;
  if (ready) return "ready";
  // `serving` unset means it mirrors `ready` (EndpointConditions API docs).
  if ((c.serving ?? ready) && c.terminating) return "serving-terminating";
  return "excluded";
}

export interface ResolvedEndpoint {
  ip: string;
  port: number;
  class: EndpointClass;
  nodeName?: string;
  zone?: string;
  podName?: string;
}

/** The slices that belong to service (same namespace, kubernetes.io/service-name label). */
export function slicesOf(service: Service, slices: EndpointSlice[]): EndpointSlice[] {
  const ns = service.metadata.namespace ?? "default";
  return slices.filter(
    (s) =>
      (s.metadata.namespace ?? "default") === ns &&
      s.metadata.labels?.[SERVICE_NAME_LABEL] === service.metadata.name,
  );
}

/**
 * Endpoints of one Service port: the slice port with the Service port's name (the EndpointSlice
 * controller resolves named target ports per slice), deduplicated by ip:port keeping the best class
 * (slices overlap while the controller moves endpoints between them).
 */
export function resolveEndpoints(
  service: Service,
  port: ServicePort,
  slices: EndpointSlice[],
): ResolvedEndpoint[] {
  const rank: Record<EndpointClass, number> = { ready: 0, "serving-terminating": 1, excluded: 2 };
  const byKey = new Map<string, ResolvedEndpoint>();
  for (const slice of slicesOf(service, slices)) {
    if (slice.addressType === "FQDN") continue;
    const slicePort = (slice.ports ?? []).find(
      (p) => (p.name ?? "") === (port.name ?? "") && (p.protocol ?? "TCP") === (port.protocol ?? "TCP"),
    );
    if (slicePort?.port === undefined) continue;
    for (const endpoint of slice.endpoints ?? []) {
      // Consumers use only the first address (EndpointSlice API: "consumers must use the first one").
      const ip = endpoint.addresses[0];
      if (!ip) continue;
      const resolved: ResolvedEndpoint = {
        ip,
        port: slicePort.port,
        class: classifyEndpoint(endpoint),
        ...(endpoint.nodeName ? { nodeName: endpoint.nodeName } : {}),
        ...(endpoint.zone ? { zone: endpoint.zone } : {}),
        ...(endpoint.targetRef?.name ? { podName: endpoint.targetRef.name } : {}),
      };
      const key = `${ip}:${slicePort.port}`;
      const seen = byKey.get(key);
      if (!seen || rank[resolved.class] < rank[seen.class]) byKey.set(key, resolved);
    }
  }
  return [...byKey.values()].sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : a.port - b.port));
}

function lbEndpoint(e: ResolvedEndpoint): JsonObject {
  return {
    endpoint: {
      address: { socket_address: { address: e.ip, port_value: e.port } },
      ...(e.podName ? { hostname: e.podName } : {}),
    },
    health_status: "HEALTHY",
  };
}

export function clusterLoadAssignment(clusterName: string, endpoints: ResolvedEndpoint[]): JsonObject {
  const ready = endpoints.filter((e) => e.class === "ready");
  const terminating = endpoints.filter((e) => e.class === "serving-terminating");
  const groups: JsonObject[] = [{ priority: 0, lb_endpoints: ready.map(lbEndpoint) }];
  if (terminating.length > 0) groups.push({ priority: 1, lb_endpoints: terminating.map(lbEndpoint) });
  return { "@type": ENDPOINT_TYPE_URL, cluster_name: clusterName, endpoints: groups };
}
