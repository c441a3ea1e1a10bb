// xDS v3 resource type URLs. The order of ALL_RESOURCE_TYPES is the make-before-break order of
// Envoy's xds_protocol doc ("Eventual consistency considerations"): a cluster must exist before its
// endpoints, endpoints before the listeners whose routes point at the cluster, listeners before routes.
export const CLUSTER_TYPE_URL = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
export const ENDPOINT_TYPE_URL = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
export const LISTENER_TYPE_URL = "type.googleapis.com/envoy.config.listener.v3.Listener";
export const ROUTE_TYPE_URL = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
export const SCOPED_ROUTE_TYPE_URL = "type.googleapis.com/envoy.config.route.v3.ScopedRouteConfiguration";
export const VIRTUAL_HOST_TYPE_URL = "type.googleapis.com/envoy.config.route.v3.VirtualHost";
export const SECRET_TYPE_URL = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret";
export const RUNTIME_TYPE_URL = "type.googleapis.com/envoy.service.runtime.v3.Runtime";

export const ALL_RESOURCE_TYPES = [
  CLUSTER_TYPE_URL,
  ENDPOINT_TYPE_URL,
  LISTENER_TYPE_URL,
  ROUTE_TYPE_URL,
  SCOPED_ROUTE_TYPE_URL,
  VIRTUAL_HOST_TYPE_URL,
  SECRET_TYPE_URL,
  RUNTIME_TYPE_URL,
] as const;

/** Short names used in fixtures, transcripts and reports. */
export const SHORT_TYPE_NAMES: Record<string, string> = {
  [CLUSTER_TYPE_URL]: "CDS",
  [ENDPOINT_TYPE_URL]: "EDS",
  [LISTENER_TYPE_URL]: "LDS",
  [ROUTE_TYPE_URL]: "RDS",
  [SCOPED_ROUTE_TYPE_URL]: "SRDS",
  [VIRTUAL_HOST_TYPE_URL]: "VHDS",
  [SECRET_TYPE_URL]: "SDS",
  [RUNTIME_TYPE_URL]: "RTDS",
};

/**
 * xds_protocol "Grouping Resources into Responses": in SotW, a Listener or Cluster response carries every
 * resource, so absence means deletion. Other types (RDS, EDS, ...) are sent as requested, and absence from
 * a response is not deletion.
 */
export function allResourcesRequiredInSotW(typeUrl: string): boolean {
  return typeUrl === LISTENER_TYPE_URL || typeUrl === CLUSTER_TYPE_URL;
}

export function shortTypeName(typeUrl: string): string {
  return SHORT_TYPE_NAMES[typeUrl] ?? typeUrl.replace(/^type\.googleapis\.com\//, "");
}

export function typeNameOf(typeUrl: string): string {
  return typeUrl.replace(/^type\.googleapis\.com\//, "");
}

const BY_SHORT = Object.fromEntries(Object.entries(SHORT_TYPE_NAMES).map(([url, s]) => [s, url]));

/** Accepts "CDS", "cluster", "clusters" or a full type URL. */
export function typeUrlOf(nameOrUrl: string): string | undefined {
  if (nameOrUrl.startsWith("type.googleapis.com/")) return nameOrUrl;
  const aliases: Record<string, string> = {
    clusters: "CDS",
    cluster: "CDS",
    endpoints: "EDS",
    endpoint: "EDS",
    listeners: "LDS",
    listener: "LDS",
    routes: "RDS",
    route: "RDS",
    secrets: "SDS",
    runtimes: "RTDS",
  };
  return BY_SHORT[aliases[nameOrUrl] ?? nameOrUrl.toUpperCase()];
}
