// Envoy's account of its applied configuration, from the admin config_dump (include_eds), in the shape
// the state rules judge (support/dp-state-rules.ts). Envoy-only: checks that use it require
// "envoy-admin". Draining listeners and endpoint sets without endpoints do not count as applied.
import type { EnvoyAdmin } from "../../../harness/dataplanes/envoy-admin.ts";
import {
  CLUSTER_TYPE_URL,
  ENDPOINT_TYPE_URL,
  LISTENER_TYPE_URL,
  ROUTE_TYPE_URL,
} from "../../../harness/proto/type-urls.ts";
import type { Applied, WarmingObservation } from "./dp-state-rules.ts";

type Json = Record<string, any>;

const section = (dump: { configs: Json[] }, suffix: string): Json =>
  dump.configs.find((c) => String(c["@type"]).endsWith(suffix)) ?? {};

export async function envoyApplied(admin: EnvoyAdmin): Promise<Applied> {
  const dump = (await admin.configDump({ includeEds: true })) as unknown as { configs: Json[] };
  const clusters = section(dump, ".ClustersConfigDump");
  const listeners = section(dump, ".ListenersConfigDump");
  const routes = section(dump, ".RoutesConfigDump");
  const endpoints = section(dump, ".EndpointsConfigDump");
  const hasEndpoints = (cla: Json) =>
    (cla.endpoints ?? []).some((l: Json) => (l.lb_endpoints ?? []).length > 0);
  return new Map([
    [
      CLUSTER_TYPE_URL,
      new Set<string>(
        [...(clusters.dynamic_active_clusters ?? []), ...(clusters.dynamic_warming_clusters ?? [])].map(
          (c: Json) => c.cluster.name,
        ),
      ),
    ],
    [
      LISTENER_TYPE_URL,
      new Set<string>(
        (listeners.dynamic_listeners ?? [])
          .filter((l: Json) => l.active_state || l.warming_state)
          .map((l: Json) => l.name),
      ),
    ],
    [
      ROUTE_TYPE_URL,
      new Set<string>((routes.dynamic_route_configs ?? []).map((r: Json) => r.route_config.name)),
    ],
    [
      ENDPOINT_TYPE_URL,
      new Set<string>(
        (endpoints.dynamic_endpoint_configs ?? [])
          .filter((e: Json) => hasEndpoints(e.endpoint_config))
          .map((e: Json) => e.endpoint_config.cluster_name),
      ),
    ],
  ]);
}

/** Applied names of some types only (a rule about Listener and Cluster ignores the rest). */
export function only(applied: Applied, typeUrls: string[]): Applied {
  return new Map([...applied].filter(([t]) => typeUrls.includes(t)));
}

/** Which dynamic clusters and listeners are active and which warm, now. */
export async function envoyWarming(admin: EnvoyAdmin): Promise<WarmingObservation> {
  const dump = (await admin.configDump()) as unknown as { configs: Json[] };
  // Taken after the dump arrived: whatever it shows active was applied by then.
  const at = performance.timeOrigin + performance.now();
  const clusters = section(dump, ".ClustersConfigDump");
  const listeners = section(dump, ".ListenersConfigDump");
  const dynamic: Json[] = listeners.dynamic_listeners ?? [];
  return {
    at,
    active: new Set([
      ...(clusters.dynamic_active_clusters ?? []).map((c: Json) => c.cluster.name as string),
      ...dynamic.filter((l) => l.active_state).map((l) => l.name as string),
    ]),
    warming: new Set([
      ...(clusters.dynamic_warming_clusters ?? []).map((c: Json) => c.cluster.name as string),
      ...dynamic.filter((l) => l.warming_state && !l.active_state).map((l) => l.name as string),
    ]),
  };
}
