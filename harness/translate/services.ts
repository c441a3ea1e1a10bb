// Kubernetes Services + EndpointSlices → xDS resources for the reference CP, shaped like a sidecar's
// outbound configuration (the parity suite compares Envoy on these against kube-proxy on the same objects):
//   CDS  one EDS cluster per Service port          "outbound|<port>||<name>.<ns>.svc.<domain>"
//   EDS  one ClusterLoadAssignment per cluster     (ready at priority 0, serving-terminating at 1; endpoints.ts)
//   LDS  one outbound HTTP listener                 (options.listenerAddress:listenerPort)
//   RDS  one route configuration, a virtual host per Service port, matched by Host / ClusterIP
// What xDS cannot express the way kube-proxy does is returned in `notes`, never silently dropped.
import type { JsonObject } from "../proto/codec.ts";
import { CLUSTER_TYPE_URL, LISTENER_TYPE_URL, ROUTE_TYPE_URL } from "../proto/type-urls.ts";
import type { EndpointSlice, Service, ServicePort } from "../clusters/kube-types.ts";
import { clusterLoadAssignment, resolveEndpoints } from "./endpoints.ts";

export interface TranslateOptions {
  /** Default "cluster.local". */
  clusterDomain?: string;
  /** Where the outbound listener binds (default 127.0.0.1:15001). */
  listenerAddress?: string;
  listenerPort?: number;
  /** The node the sidecar runs on, for internalTrafficPolicy: Local (without it, Local is noted). */
  nodeName?: string;
  listenerName?: string;
  routeName?: string;
}

export interface Translation {
  clusters: JsonObject[];
  endpoints: JsonObject[];
  listeners: JsonObject[];
  routes: JsonObject[];
  /** Every resource, in make-before-break order (CDS, EDS, LDS, RDS): ready for ReferenceServer.apply. */
  resources: JsonObject[];
  /** Differences from kube-proxy that xDS cannot express, one sentence each. */
  notes: string[];
}

export const DEFAULT_LISTENER_NAME = "outbound";
export const DEFAULT_ROUTE_NAME = "outbound";
const ADS = { ads: {}, resource_api_version: "V3" };
// kube-proxy's default ClientIP affinity timeout (Service API: sessionAffinityConfig.clientIP.timeoutSeconds).
const DEFAULT_AFFINITY_SECONDS = 10800;

export function serviceHost(service: Service, domain = "cluster.local"): string {
  return `${service.metadata.name}.${service.metadata.namespace ?? "default"}.svc.${domain}`;
}

export function clusterName(service: Service, port: ServicePort, domain = "cluster.local"): string {
  return `outbound|${port.port}||${serviceHost(service, domain)}`;
}

function cluster(name: string, service: Service): JsonObject {
  const affinity = service.spec.sessionAffinity === "ClientIP";
  return {
    "@type": CLUSTER_TYPE_URL,
    name,
    type: "EDS",
    eds_cluster_config: { eds_config: ADS, service_name: name },
    connect_timeout: "1s",
    // ClientIP affinity: a consistent hash of the source address (the route's hash_policy) is what xDS
    // has; random otherwise, like kube-proxy's iptables/nftables modes (no round robin there).
    lb_policy: affinity ? "RING_HASH" : "RANDOM",
  };
}

/** Every name a client in the mesh may use for the Service port, as Host header values. */
function domains(service: Service, port: ServicePort, domain: string): string[] {
  const ns = service.metadata.namespace ?? "default";
  const name = service.metadata.name;
  const hosts = [name, `${name}.${ns}`, `${name}.${ns}.svc`, `${name}.${ns}.svc.${domain}`];
  for (const ip of service.spec.clusterIPs ?? (service.spec.clusterIP ? [service.spec.clusterIP] : [])) {
    if (ip !== "None") hosts.push(ip.includes(":") ? `[${ip}]` : ip);
  }
  const withPort = hosts.map((h) => `${h}:${port.port}`);
  // A bare host means the HTTP default port; only the port-80 virtual host may claim it (domains must
  // be unique across a route configuration's virtual hosts).
  return port.port === 80 ? [...hosts, ...withPort] : withPort;
}

function virtualHost(service: Service, port: ServicePort, domain: string): JsonObject {
  const target = clusterName(service, port, domain);
  const affinity = service.spec.sessionAffinity === "ClientIP";
  return {
    name: `${serviceHost(service, domain)}:${port.port}`,
    domains: domains(service, port, domain),
    routes: [
      {
        match: { prefix: "/" },
        route: {
          cluster: target,
          ...(affinity ? { hash_policy: [{ connection_properties: { source_ip: true } }] } : {}),
        },
      },
    ],
  };
}

function listener(name: string, address: string, port: number, routeName: string): JsonObject {
  return {
    "@type": LISTENER_TYPE_URL,
    name,
    address: { socket_address: { address, port_value: port } },
    filter_chains: [
      {
        filters: [
          {
            name: "envoy.filters.network.http_connection_manager",
            typed_config: {
              "@type":
                "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
              stat_prefix: name,
              rds: { route_config_name: routeName, config_source: ADS },
              http_filters: [
                {
                  name: "envoy.filters.http.router",
                  typed_config: {
                    "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router",
                  },
                },
              ],
            },
          },
        ],
      },
    ],
  };
}

export function translateServices(
  services: Service[],
  slices: EndpointSlice[],
  options: TranslateOptions = {},
): Translation {
  const domain = options.clusterDomain ?? "cluster.local";
  const out: Translation = {
    clusters: [],
    endpoints: [],
    listeners: [],
    routes: [],
    resources: [],
    notes: [],
  };
  const vhosts: JsonObject[] = [];
  for (const service of [...services].sort((a, b) => serviceHost(a).localeCompare(serviceHost(b)))) {
    const id = `${service.metadata.namespace ?? "default"}/${service.metadata.name}`;
    const type = service.spec.type ?? "ClusterIP";
    if (type === "ExternalName") {
      out.notes.push(
        `${id}: ExternalName is a DNS alias; kube-proxy programs nothing and neither does this translation`,
      );
      continue;
    }
    if (service.spec.clusterIP === "None") {
      out.notes.push(
        `${id}: headless (clusterIP None); kube-proxy programs nothing and neither does this translation`,
      );
      continue;
    }
    if (service.spec.sessionAffinity === "ClientIP") {
      const seconds =
        service.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS;
      out.notes.push(
        `${id}: ClientIP affinity is a source-IP hash in xDS: it has no ${seconds}s idle timeout and an endpoint change may move a client (kube-proxy keeps it until the timeout)`,
      );
    }
    const local = service.spec.internalTrafficPolicy === "Local";
    if (local && !options.nodeName) {
      out.notes.push(`${id}: internalTrafficPolicy Local needs options.nodeName; all endpoints were kept`);
    }
    for (const port of service.spec.ports ?? []) {
      if ((port.protocol ?? "TCP") !== "TCP") {
        out.notes.push(
          `${id}: port ${port.port}/${port.protocol}: only TCP is translated (an HTTP listener)`,
        );
        continue;
      }
      const name = clusterName(service, port, domain);
      let endpoints = resolveEndpoints(service, port, slices);
      if (local && options.nodeName) endpoints = endpoints.filter((e) => e.nodeName === options.nodeName);
      out.clusters.push(cluster(name, service));
      out.endpoints.push(clusterLoadAssignment(name, endpoints));
      vhosts.push(virtualHost(service, port, domain));
    }
  }
  const routeName = options.routeName ?? DEFAULT_ROUTE_NAME;
  out.routes.push({ "@type": ROUTE_TYPE_URL, name: routeName, virtual_hosts: vhosts });
  out.listeners.push(
    listener(
      options.listenerName ?? DEFAULT_LISTENER_NAME,
      options.listenerAddress ?? "127.0.0.1",
      options.listenerPort ?? 15001,
      routeName,
    ),
  );
  out.resources = [...out.clusters, ...out.endpoints, ...out.listeners, ...out.routes];
  return out;
}
