// What the gRPC proxyless data planes (grpc-js.ts, grpc-go.ts) share: the started-handle type, the xDS
// bootstrap they read, what they support, the constraints their xDS clients put on resources (as data,
// for reports), and the mapping from per-RPC records to the harness's TrafficRecord.
//
// A proxyless client has no listener and no admin API: a channel with target `xds:///<name>` fetches
// LDS <name> (an API listener), then RDS, CDS, EDS, and picks an endpoint per RPC itself.
import type { TrafficErrorKind, TrafficRecord } from "../traffic/traffic-record.ts";
import type { RpcRecord } from "./grpc-client-process/protocol.ts";
import type { NodeIdentity, StartedDataPlane, XdsClientConfig } from "./types.ts";

export type ProxylessClientName = "grpc-js" | "grpc-go";

export interface RpcOptions {
  /** Channel target (default: the handle's target, `xds:///<listener>`). */
  target?: string;
  count: number;
  /** Open loop at this rate; without it the RPCs go one after another. */
  ratePerSec?: number;
  /** Deadline of each RPC (default 5000). */
  timeoutMs?: number;
}

export interface StartedProxylessClient extends StartedDataPlane {
  /** The default channel target, e.g. "xds:///ingress". */
  readonly target: string;
  /** Sends RPCs to the echo service through the xDS channel; one record per RPC, failures included. */
  sendRpcs(options: RpcOptions): Promise<TrafficRecord[]>;
}

export interface ProxylessConstraint {
  client: ProxylessClientName | "grpc";
  constraint: string;
  why: string;
}

/**
 * What gRPC's xDS clients require beyond the xDS protocol, found in their sources; the harness's own
 * bootstraps and harness/xds/grpc-resources.ts satisfy every entry.
 */
export const PROXYLESS_CONSTRAINTS: readonly ProxylessConstraint[] = [
  {
    client: "grpc",
    constraint: "ADS with state-of-the-world streams only",
    why: "gRPC clients implement neither the incremental (delta) protocol nor per-type services (gRFC A27)",
  },
  {
    client: "grpc",
    constraint: "LDS resources are API listeners: api_listener.api_listener holds an HttpConnectionManager",
    why: "a client channel has no socket listener; gRPC reads the HCM from the API listener (gRFC A27)",
  },
  {
    client: "grpc",
    constraint: "the HttpConnectionManager's http_filters end with the router filter",
    why: "a filter chain whose last filter is not terminal is NACKed (gRFC A39; grpc-go 'is not a terminal filter')",
  },
  {
    client: "grpc",
    constraint: "every EDS LocalityLbEndpoints sets locality",
    why: "grpc-js-xds NACKs 'endpoints[i].locality unset'; grpc-go NACKs 'EDS response contains a locality without ID'",
  },
  {
    client: "grpc",
    constraint: "every EDS locality has load_balancing_weight > 0",
    why: "both clients silently drop a locality without a weight, so its endpoints are never picked (gRFC A27)",
  },
  {
    client: "grpc-js",
    constraint: "bootstrap node has a locality (may be {})",
    why: "grpc-js-xds validateNode() throws 'locality field missing in node element'",
  },
  {
    client: "grpc-js",
    constraint: "EDS endpoint addresses are IP literals with port_value",
    why: "grpc-js-xds NACKs hostnames ('address is not a valid IPv4 or IPv6 address') and named ports",
  },
];

/** The constraints one client is held to: gRPC's common ones, then its own. */
export function constraintsOf(client: ProxylessClientName): ProxylessConstraint[] {
  return PROXYLESS_CONSTRAINTS.filter((c) => c.client === "grpc" || c.client === client);
}

/**
 * The label reports look for (harness/report/summary-md.ts lists these per proxyless cell), so that a
 * verdict on a gRPC client says which of the client's strictness rules the harness met for it.
 */
export const CLIENT_CONSTRAINTS_LABEL = "client constraints";

/** An evidence item (harness/checks/types.ts Evidence): one JSONL line per constraint with its why; the excerpt lists them. */
export function clientConstraintsEvidence(client: ProxylessClientName): {
  label: string;
  file: string;
  content: ProxylessConstraint[];
  excerpt: string;
} {
  const constraints = constraintsOf(client);
  return {
    label: CLIENT_CONSTRAINTS_LABEL,
    file: "client-constraints.jsonl",
    content: constraints,
    excerpt: constraints.map((c) => `[${c.client}] ${c.constraint}`).join("\n"),
  };
}

/**
 * The xDS variants (harness/scenario/variant.ts variantName) each gRPC client speaks, and where its sources
 * decide it. Matrix cells in other variants are not applicable (harness/checks/features.ts cellUnsupported),
 * and start() refuses them.
 */
export const PROXYLESS_VARIANTS: Readonly<
  Record<ProxylessClientName, { variants: readonly string[]; source: string }>
> = {
  "grpc-js": {
    variants: ["sotw-ads"],
    source:
      "@grpc/grpc-js-xds 1.14 xds-client.ts opens only AggregatedDiscoveryService/StreamAggregatedResources",
  },
  "grpc-go": {
    variants: ["sotw-ads"],
    source:
      "grpc-go 1.85 internal/xds/clients/xdsclient/ads_stream.go opens only AggregatedDiscoveryService/StreamAggregatedResources",
  },
};

export function isProxylessClient(name: string): name is ProxylessClientName {
  return Object.hasOwn(PROXYLESS_VARIANTS, name);
}

/** Throws unless the subscription is one gRPC clients speak; the message names the variant asked for. */
export function checkProxylessXds(client: ProxylessClientName, xds: XdsClientConfig | undefined): string {
  if (!xds) throw new Error(`${client}: expected withXds(...) before start(), got none`);
  const variant = xds.mode === "rest" || xds.mode === "file" ? xds.mode : `${xds.transport}-${xds.mode}`;
  const supported = PROXYLESS_VARIANTS[client].variants;
  if (!supported.includes(variant))
    throw new Error(`${client}: supports ${supported.join(", ")} only, got ${variant}`);
  if (!xds.address) throw new Error(`${client}: expected xds.address ("127.0.0.1:port"), got none`);
  return xds.address;
}

/** The gRPC xDS bootstrap (GRPC_XDS_BOOTSTRAP), https://github.com/grpc/proposal/blob/master/A27-xds-global-load-balancing.md */
export function grpcBootstrap(node: NodeIdentity, serverUri: string): Record<string, unknown> {
  return {
    xds_servers: [
      { server_uri: serverUri, channel_creds: [{ type: "insecure" }], server_features: ["xds_v3"] },
    ],
    node: {
      id: node.id,
      cluster: node.cluster,
      locality: node.locality ?? {},
      ...(node.metadata ? { metadata: node.metadata } : {}),
    },
  };
}

// google.rpc.Code → HTTP status as documented in google/rpc/code.proto, so isLoss() (status >= 500)
// and summaries treat gRPC failures like their HTTP counterparts.
const HTTP_STATUS_OF: Record<string, number> = {
  OK: 200,
  CANCELLED: 499,
  UNKNOWN: 500,
  INVALID_ARGUMENT: 400,
  DEADLINE_EXCEEDED: 504,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  PERMISSION_DENIED: 403,
  RESOURCE_EXHAUSTED: 429,
  FAILED_PRECONDITION: 400,
  ABORTED: 409,
  OUT_OF_RANGE: 400,
  UNIMPLEMENTED: 501,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DATA_LOSS: 500,
  UNAUTHENTICATED: 401,
};

export function httpStatusOfGrpcCode(code: string): number {
  return HTTP_STATUS_OF[code] ?? 500;
}

/** Codes that mean the RPC did not get an answer from a backend, as opposed to a backend's own answer. */
function errorKind(record: RpcRecord): TrafficErrorKind | undefined {
  const detail = record.error ?? "";
  switch (record.status) {
    case "DEADLINE_EXCEEDED":
      return "timeout";
    case "UNAVAILABLE":
      if (/refused/i.test(detail)) return "connect-refused";
      if (/reset|goaway|closed|EOF/i.test(detail)) return "connect-reset";
      return "other";
    case "INTERNAL":
    case "UNKNOWN":
    case "DATA_LOSS":
      return "protocol";
    case "CANCELLED":
      return "other";
    default:
      return undefined;
  }
}

export function toTrafficRecord(record: RpcRecord): TrafficRecord {
  const { seq, scheduledAt, sentAt, endedAt, latencyMs, backend } = record;
  const out: TrafficRecord = { seq, scheduledAt, sentAt, endedAt, latencyMs };
  out.status = httpStatusOfGrpcCode(record.status);
  if (backend !== undefined) out.backend = backend;
  if (record.status !== "OK") {
    out.errorMessage = record.error ? `${record.status}: ${record.error}` : record.status;
    const kind = errorKind(record);
    if (kind) out.error = kind;
  } else if (record.error) {
    out.errorMessage = record.error;
  }
  return out;
}
