// Resource TTLs and heartbeats (xds_protocol "TTL", "SotW TTL"). A resource served with a TTL expires on
// the client unless it is sent again or heartbeated in time; a heartbeat is a Resource with name and the
// current version but no body, and only refreshes the TTL. Delta carries Resource natively; SotW wraps a
// resource in a Resource only for clients declaring SUPPORTS_RESOURCE_IN_SOTW ("This feature is gated by
// the xds.config.supports-resource-in-sotw client feature").
import { ResourceCodec, type Any, type Node, type Resource } from "../proto/discovery.ts";
import type { Entry } from "./snapshot.ts";

export const RESOURCE_TYPE_URL = "type.googleapis.com/envoy.service.discovery.v3.Resource";
export const SUPPORTS_RESOURCE_IN_SOTW = "xds.config.supports-resource-in-sotw";

export function ttlDuration(ms: number): NonNullable<Resource["ttl"]> {
  return { seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}

export function declaresResourceInSotw(node: Node | undefined): boolean {
  return !!node?.clientFeatures?.includes(SUPPORTS_RESOURCE_IN_SOTW);
}

/**
 * A SotW resource as a Resource-typed Any: with its body (an update), or without (a heartbeat). Its
 * version is the response's version_info, which is what a SotW client compares a heartbeat with.
 */
export function wrapSotw(e: Entry, version: string, ttlMs: number | undefined, body: boolean): Any {
  const r: Partial<Resource> = { name: e.name, version, ...(body ? { resource: e.any } : {}) };
  if (ttlMs !== undefined) r.ttl = ttlDuration(ttlMs);
  return { typeUrl: RESOURCE_TYPE_URL, value: ResourceCodec.encode(r) };
}

/** The heartbeat interval for the shortest TTL served: three beats per TTL, so one lost beat is harmless. */
export function heartbeatIntervalMs(minTtlMs: number): number {
  return Math.max(50, Math.floor(minTtlMs / 3));
}
