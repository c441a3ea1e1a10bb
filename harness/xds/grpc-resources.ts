// Builders of resources for gRPC proxyless clients, which need more than Envoy does
// (PROXYLESS_CONSTRAINTS in harness/dataplanes/proxyless.ts lists why): LDS is an API listener, EDS
// localities carry a locality and a weight, and the HCM's filter chain ends with the router.
// Clusters are the same as Envoy's (edsCluster in ./resources.ts).
import type { JsonObject } from "../proto/codec.ts";
import { ENDPOINT_TYPE_URL, LISTENER_TYPE_URL, ROUTE_TYPE_URL } from "../proto/type-urls.ts";
import { ADS_CONFIG_SOURCE, routeAction, type EndpointSpec } from "./resources.ts";

const HCM_TYPE_URL =
  "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
const ROUTER_TYPE_URL = "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router";

/** The locality harness-generated EDS uses when a test does not care about localities. */
export const DEFAULT_LOCALITY: JsonObject = { region: "xdsc", zone: "xdsc-a" };

/** The Listener a gRPC channel with target `xds:///<name>` asks for: no address, an HCM with RDS. */
export function apiListener(
  name: string,
  routeConfigName: string,
  opts: { configSource?: JsonObject } = {},
): JsonObject {
  return {
    "@type": LISTENER_TYPE_URL,
    name,
    api_listener: {
      api_listener: {
        "@type": HCM_TYPE_URL,
        stat_prefix: name,
        rds: { route_config_name: routeConfigName, config_source: opts.configSource ?? ADS_CONFIG_SOURCE },
        http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": ROUTER_TYPE_URL } }],
      },
    },
  };
}

/**
 * A route configuration for gRPC: every authority, every method (prefix ""), to one cluster or split
 * by weight. Unlike routeConfig() in ./resources.ts it adds no Envoy-only response headers.
 */
export function grpcRouteConfig(name: string, target: string | Record<string, number>): JsonObject {
  return {
    "@type": ROUTE_TYPE_URL,
    name,
    virtual_hosts: [
      { name: "all", domains: ["*"], routes: [{ match: { prefix: "" }, route: routeAction(target) }] },
    ],
  };
}

export interface GrpcLocalitySpec {
  locality?: JsonObject;
  /** Must be > 0: gRPC drops localities without a weight (default 1). */
  weight?: number;
  priority?: number;
  endpoints: EndpointSpec[];
}

/**
 * A ClusterLoadAssignment every gRPC client accepts: each locality named (DEFAULT_LOCALITY when one
 * locality is given without a name) and weighted. Endpoint addresses must be IP literals.
 */
export function grpcLoadAssignment(
  clusterName: string,
  localities: EndpointSpec[] | GrpcLocalitySpec[],
): JsonObject {
  const specs: GrpcLocalitySpec[] = isEndpointList(localities) ? [{ endpoints: localities }] : localities;
  return {
    "@type": ENDPOINT_TYPE_URL,
    cluster_name: clusterName,
    endpoints: specs.map((spec, i) => {
      const weight = spec.weight ?? 1;
      if (!(Number.isInteger(weight) && weight > 0))
        throw new RangeError(
          `localities[${i}].weight: expected an integer > 0 (gRPC drops weight 0), got ${weight}`,
        );
      return {
        locality:
          spec.locality ??
          (specs.length === 1 ? DEFAULT_LOCALITY : { ...DEFAULT_LOCALITY, sub_zone: `l${i}` }),
        load_balancing_weight: weight,
        ...(spec.priority ? { priority: spec.priority } : {}),
        lb_endpoints: spec.endpoints.map((e) => ({
          endpoint: {
            address: { socket_address: { address: e.address ?? "127.0.0.1", port_value: e.port } },
          },
          ...(e.weight !== undefined ? { load_balancing_weight: e.weight } : {}),
        })),
      };
    }),
  };
}

function isEndpointList(list: EndpointSpec[] | GrpcLocalitySpec[]): list is EndpointSpec[] {
  return list.length === 0 || "port" in list[0]!;
}
