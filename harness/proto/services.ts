// gRPC service definitions for every xDS discovery service, built from the descriptor registry with
// @grpc/grpc-js' custom (de)serializers. Two flavours: typed (decoded messages, for the reference server
// and scripted clients) and raw (Buffers passed through unchanged, for the tap).
import type { MethodDefinition, ServiceDefinition } from "@grpc/grpc-js";
import { registry } from "./schemas.ts";
import {
  ALL_RESOURCE_TYPES,
  CLUSTER_TYPE_URL,
  ENDPOINT_TYPE_URL,
  LISTENER_TYPE_URL,
  ROUTE_TYPE_URL,
  RUNTIME_TYPE_URL,
  SCOPED_ROUTE_TYPE_URL,
  SECRET_TYPE_URL,
  VIRTUAL_HOST_TYPE_URL,
} from "./type-urls.ts";
import {
  DeltaDiscoveryRequestCodec,
  DeltaDiscoveryResponseCodec,
  DiscoveryRequestCodec,
  DiscoveryResponseCodec,
} from "./discovery.ts";

export const ADS_SERVICE = "envoy.service.discovery.v3.AggregatedDiscoveryService";

/** Per-type discovery services and the one type each serves; ADS serves them all on one stream. */
export const PER_TYPE_SERVICES: Record<string, string> = {
  "envoy.service.cluster.v3.ClusterDiscoveryService": CLUSTER_TYPE_URL,
  "envoy.service.endpoint.v3.EndpointDiscoveryService": ENDPOINT_TYPE_URL,
  "envoy.service.listener.v3.ListenerDiscoveryService": LISTENER_TYPE_URL,
  "envoy.service.route.v3.RouteDiscoveryService": ROUTE_TYPE_URL,
  "envoy.service.route.v3.ScopedRoutesDiscoveryService": SCOPED_ROUTE_TYPE_URL,
  "envoy.service.route.v3.VirtualHostDiscoveryService": VIRTUAL_HOST_TYPE_URL,
  "envoy.service.secret.v3.SecretDiscoveryService": SECRET_TYPE_URL,
  "envoy.service.runtime.v3.RuntimeDiscoveryService": RUNTIME_TYPE_URL,
};

export type StreamKind = "sotw" | "delta" | "fetch";

export interface XdsMethod {
  service: string;
  name: string;
  path: string;
  kind: StreamKind;
  /** The type served by a per-type service; undefined for ADS. */
  typeUrl?: string;
}

/** Every discovery method (stream, delta and unary fetch) of ADS and the per-type services. */
export function xdsMethods(): XdsMethod[] {
  const out: XdsMethod[] = [];
  for (const service of [ADS_SERVICE, ...Object.keys(PER_TYPE_SERVICES)]) {
    const desc = registry().getService(service);
    if (!desc) throw new Error(`service ${service} missing from the descriptor set: run npm run setup`);
    for (const m of desc.methods) {
      const kind: StreamKind =
        m.methodKind === "unary" ? "fetch" : m.input.typeName.includes("Delta") ? "delta" : "sotw";
      out.push({
        service,
        name: m.name,
        path: `/${service}/${m.name}`,
        kind,
        typeUrl: PER_TYPE_SERVICES[service],
      });
    }
  }
  return out;
}

export function methodForPath(path: string): XdsMethod | undefined {
  return xdsMethods().find((m) => m.path === path);
}

const identity = (b: Buffer) => b;

/** A grpc-js service definition for one service; raw = pass bytes through (the tap). */
export function serviceDefinition(service: string, raw = false): ServiceDefinition {
  const def: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const m of xdsMethods().filter((x) => x.service === service)) {
    const [req, res] =
      m.kind === "delta"
        ? [DeltaDiscoveryRequestCodec, DeltaDiscoveryResponseCodec]
        : [DiscoveryRequestCodec, DiscoveryResponseCodec];
    def[m.name] = {
      path: m.path,
      requestStream: m.kind !== "fetch",
      responseStream: m.kind !== "fetch",
      requestSerialize: raw ? (identity as never) : (v: unknown) => req.encode(v as never),
      requestDeserialize: raw ? (identity as never) : (b: Buffer) => req.decode(b),
      responseSerialize: raw ? (identity as never) : (v: unknown) => res.encode(v as never),
      responseDeserialize: raw ? (identity as never) : (b: Buffer) => res.decode(b),
    };
  }
  return def as ServiceDefinition;
}

export const ALL_SERVICES = [ADS_SERVICE, ...Object.keys(PER_TYPE_SERVICES)];
export { ALL_RESOURCE_TYPES };
