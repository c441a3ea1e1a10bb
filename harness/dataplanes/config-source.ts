// The ConfigSource that bootstrap subscriptions and resources carry, per subscription mode.
//
// Fixtures write every dynamic reference the ADS way — `eds_config: {ads: {}}` in a Cluster,
// `rds: {config_source: {ads: {}}, route_config_name: ...}` in an HttpConnectionManager — because that is
// the common case and keeps fixtures transport-neutral. For the other modes the harness rewrites those
// sources with rewriteConfigSources() before serving: per-type and REST point at the xDS cluster through
// an api_config_source, file mode at one file per resource in the watched directory (FILE_LAYOUT).
import type { XdsClientConfig } from "./types.ts";

/** The static cluster that carries xDS traffic to the control plane (or the tap in front of it). */
export const XDS_CLUSTER = "xds_cluster";

export type ConfigSourceTarget = { kind: "cds" | "lds" } | { kind: "eds" | "rds"; name: string };

/**
 * File mode: the files Envoy reads, relative to fileDir. Each holds a DiscoveryResponse in proto3 JSON
 * (`version_info`, `resources` as Any). Envoy's EDS and RDS take exactly one resource per subscription,
 * so each ClusterLoadAssignment and RouteConfiguration gets its own file. Writers must create the file
 * elsewhere in the same directory and rename it in: Envoy re-reads on a move into the watched directory.
 */
export const FILE_LAYOUT = {
  cds: "cds.json",
  lds: "lds.json",
  eds: (name: string) => `eds-${encodeURIComponent(name)}.json`,
  rds: (name: string) => `rds-${encodeURIComponent(name)}.json`,
};

export function durationOf(ms: number): string {
  return `${ms / 1000}s`;
}

/** The ConfigSource (proto3 JSON) for a subscription; file mode needs the target to name the file. */
export function configSourceFor(cfg: XdsClientConfig, target?: ConfigSourceTarget): Record<string, unknown> {
  const common: Record<string, unknown> = { resource_api_version: "V3" };
  if (cfg.initialFetchTimeoutMs !== undefined)
    common.initial_fetch_timeout = durationOf(cfg.initialFetchTimeoutMs);
  const apiType = cfg.transport === "delta" ? "DELTA_GRPC" : "GRPC";
  switch (cfg.mode) {
    case "ads":
      return { ads: {}, ...common };
    case "per-type":
      return {
        api_config_source: {
          api_type: apiType,
          transport_api_version: "V3",
          grpc_services: [{ envoy_grpc: { cluster_name: XDS_CLUSTER } }],
        },
        ...common,
      };
    case "rest":
      if (cfg.transport === "delta")
        throw new Error(`xds.transport: expected "sotw" for mode "rest", got "delta"`);
      return {
        api_config_source: {
          api_type: "REST",
          transport_api_version: "V3",
          cluster_names: [XDS_CLUSTER],
          refresh_delay: durationOf(cfg.restRefreshDelayMs ?? 1000),
          request_timeout: "5s",
        },
        ...common,
      };
    case "file": {
      if (!cfg.fileDir) throw new Error(`xds.fileDir: expected a directory for mode "file", got none`);
      if (!target)
        throw new Error(
          `configSourceFor: expected a target (cds, lds, eds or rds + name) for mode "file", got none`,
        );
      const file = "name" in target ? FILE_LAYOUT[target.kind](target.name) : FILE_LAYOUT[target.kind];
      return {
        path_config_source: { path: `${cfg.fileDir}/${file}`, watched_directory: { path: cfg.fileDir } },
        ...common,
      };
    }
  }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const isAdsSource = (v: unknown): v is Json => isObject(v) && isObject(v.ads);

/**
 * A copy of a resource (Cluster, Listener, ...) whose ADS config sources point where cfg subscribes. The
 * fixture's own initial_fetch_timeout and resource_api_version win over the harness defaults.
 */
export function rewriteConfigSources<T>(resource: T, cfg: XdsClientConfig): T {
  if (cfg.mode === "ads") return resource;
  const replace = (source: Json, path: string, target?: ConfigSourceTarget): Json => {
    if (cfg.mode === "file" && !target) {
      throw new Error(
        `${path}: expected an EDS or RDS config source for mode "file", got another ADS source`,
      );
    }
    const { ads: _ads, ...kept } = source;
    return { ...configSourceFor(cfg, target), ...kept };
  };
  const walk = (value: unknown, path: string, context: Json | undefined): unknown => {
    if (Array.isArray(value)) return value.map((v, i) => walk(v, `${path}[${i}]`, context));
    if (!isObject(value)) return value;
    const out: Json = {};
    for (const [key, child] of Object.entries(value)) {
      const childPath = path ? `${path}.${key}` : key;
      if (key === "eds_config" && isAdsSource(child)) {
        const name = String(value.service_name ?? context?.name ?? "");
        out[key] = replace(child, childPath, { kind: "eds", name });
      } else if (
        key === "config_source" &&
        isAdsSource(child) &&
        typeof value.route_config_name === "string"
      ) {
        out[key] = replace(child, childPath, { kind: "rds", name: value.route_config_name });
      } else if (isAdsSource(child)) {
        out[key] = replace(child, childPath);
      } else {
        out[key] = walk(child, childPath, path === "" ? value : context);
      }
    }
    return out;
  };
  return walk(resource, "", undefined) as T;
}
