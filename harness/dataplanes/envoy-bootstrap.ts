// Envoy v3 bootstrap for each subscription variant (ADS/per-type × SotW/delta, REST-JSON, file). The
// control plane is reached through one static cluster, XDS_CLUSTER; the admin interface binds an
// ephemeral loopback port that Envoy reports through --admin-address-path.
import { stringify } from "yaml";
import { configSourceFor, XDS_CLUSTER } from "./config-source.ts";
import type { NodeIdentity, XdsClientConfig } from "./types.ts";
import { CLUSTER_TYPE_URL, LISTENER_TYPE_URL } from "../proto/type-urls.ts";

export interface BootstrapOptions {
  node: NodeIdentity;
  xds: XdsClientConfig;
  /** Admin port on 127.0.0.1 (default 0: ephemeral). */
  adminPort?: number;
}

/** "127.0.0.1:18000" or "[::1]:18000" → host and port. */
export function parseHostPort(address: string, what = "xds.address"): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d+)$/.exec(address);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (!host || !(port > 0 && port < 65536)) {
    throw new Error(`${what}: expected "host:port" (e.g. "127.0.0.1:18000"), got "${address}"`);
  }
  return { host: host === "localhost" ? "127.0.0.1" : host, port };
}

function xdsServer(xds: XdsClientConfig): { host: string; port: number } | undefined {
  if (xds.mode === "file") return undefined;
  if (xds.mode === "rest" && xds.restUrl) {
    const url = new URL(xds.restUrl);
    // Envoy's REST subscription POSTs to /v3/discovery:<type> on the cluster; a base path cannot be honoured.
    if (url.protocol !== "http:" || (url.pathname !== "/" && url.pathname !== "")) {
      throw new Error(`xds.restUrl: expected "http://host:port" without a path, got "${xds.restUrl}"`);
    }
    return parseHostPort(url.host, "xds.restUrl");
  }
  if (!xds.address) throw new Error(`xds.address: expected "host:port" for mode "${xds.mode}", got none`);
  return parseHostPort(xds.address);
}

function xdsCluster(xds: XdsClientConfig, server: { host: string; port: number }): Record<string, unknown> {
  // gRPC needs HTTP/2; REST-JSON is plain HTTP/1.1 so that a Node http server can answer it.
  const protocol = xds.mode === "rest" ? { http_protocol_options: {} } : { http2_protocol_options: {} };
  return {
    name: XDS_CLUSTER,
    type: "STATIC",
    connect_timeout: "1s",
    load_assignment: {
      cluster_name: XDS_CLUSTER,
      endpoints: [
        {
          lb_endpoints: [
            { endpoint: { address: { socket_address: { address: server.host, port_value: server.port } } } },
          ],
        },
      ],
    },
    typed_extension_protocol_options: {
      "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
        "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
        explicit_http_config: protocol,
      },
    },
  };
}

/** The bootstrap as proto3 JSON (envoy.config.bootstrap.v3.Bootstrap). */
export function envoyBootstrap(options: BootstrapOptions): Record<string, unknown> {
  const { node, xds } = options;
  const types = xds.resourceTypes ?? [CLUSTER_TYPE_URL, LISTENER_TYPE_URL];
  const dynamic: Record<string, unknown> = {};
  if (xds.mode === "ads") {
    dynamic.ads_config = {
      api_type: xds.transport === "delta" ? "DELTA_GRPC" : "GRPC",
      transport_api_version: "V3",
      grpc_services: [{ envoy_grpc: { cluster_name: XDS_CLUSTER } }],
    };
  }
  if (types.includes(CLUSTER_TYPE_URL)) dynamic.cds_config = configSourceFor(xds, { kind: "cds" });
  if (types.includes(LISTENER_TYPE_URL)) dynamic.lds_config = configSourceFor(xds, { kind: "lds" });
  const server = xdsServer(xds);
  return {
    node: {
      id: node.id,
      cluster: node.cluster,
      ...(node.locality ? { locality: node.locality } : {}),
      ...(node.metadata ? { metadata: node.metadata } : {}),
    },
    admin: { address: { socket_address: { address: "127.0.0.1", port_value: options.adminPort ?? 0 } } },
    static_resources: { clusters: server ? [xdsCluster(xds, server)] : [] },
    dynamic_resources: dynamic,
  };
}

export function envoyBootstrapYaml(options: BootstrapOptions): string {
  return stringify(envoyBootstrap(options));
}
