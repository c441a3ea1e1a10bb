// Small builders of canonical proto3-JSON resources, for tests and generated scenarios. Fixtures remain
// the primary way to describe resources; these keep programmatic scenarios short and valid.
import type { JsonObject } from "../proto/codec.ts";
import {
  CLUSTER_TYPE_URL,
  ENDPOINT_TYPE_URL,
  LISTENER_TYPE_URL,
  ROUTE_TYPE_URL,
} from "../proto/type-urls.ts";

export const ADS_CONFIG_SOURCE: JsonObject = { ads: {}, resource_api_version: "V3" };

export function edsCluster(
  name: string,
  opts: { configSource?: JsonObject; connectTimeout?: string } = {},
): JsonObject {
  return {
    "@type": CLUSTER_TYPE_URL,
    name,
    type: "EDS",
    eds_cluster_config: { eds_config: opts.configSource ?? ADS_CONFIG_SOURCE },
    connect_timeout: opts.connectTimeout ?? "1s",
  };
}

export interface EndpointSpec {
  address?: string;
  port: number;
  weight?: number;
}

export function loadAssignment(
  clusterName: string,
  endpoints: EndpointSpec[],
  locality?: JsonObject,
): JsonObject {
  return {
    "@type": ENDPOINT_TYPE_URL,
    cluster_name: clusterName,
    endpoints: [
      {
        ...(locality ? { locality } : {}),
        lb_endpoints: endpoints.map((e) => ({
          endpoint: {
            address: { socket_address: { address: e.address ?? "127.0.0.1", port_value: e.port } },
          },
          ...(e.weight !== undefined ? { load_balancing_weight: e.weight } : {}),
        })),
      },
    ],
  };
}

export function httpListener(
  name: string,
  port: number,
  routeConfigName: string,
  opts: { configSource?: JsonObject; address?: string } = {},
): JsonObject {
  return {
    "@type": LISTENER_TYPE_URL,
    name,
    address: { socket_address: { address: opts.address ?? "127.0.0.1", port_value: port } },
    filter_chains: [
      {
        filters: [
          {
            name: "envoy.filters.network.http_connection_manager",
            typed_config: {
              "@type":
                "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
              stat_prefix: name,
              rds: {
                route_config_name: routeConfigName,
                config_source: opts.configSource ?? ADS_CONFIG_SOURCE,
              },
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

/** A RouteAction to one cluster, or split by weight across several (weighted_clusters, no total_weight). */
export function routeAction(target: string | Record<string, number>): JsonObject {
  return typeof target === "string"
    ? { cluster: target }
    : { weighted_clusters: { clusters: Object.entries(target).map(([n, weight]) => ({ name: n, weight })) } };
}

/** A route configuration sending everything to one cluster, or split by weight across several. */
export function routeConfig(name: string, target: string | Record<string, number>): JsonObject {
  const action = routeAction(target);
  return {
    "@type": ROUTE_TYPE_URL,
    name,
    virtual_hosts: [{ name: "all", domains: ["*"], routes: [{ match: { prefix: "/" }, route: action }] }],
    response_headers_to_add: [{ header: { key: "x-envoy-response-flags", value: "%RESPONSE_FLAGS%" } }],
  };
}
