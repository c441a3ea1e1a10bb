// The data-plane adapter interface (DESIGN.md §6): a builder describes a data plane and start() returns a
// started handle that owns its cleanup. Suites and checks use only these types; each implementation
// (Envoy process, Envoy container, gRPC proxyless clients, any command) lives in its own file.
import type { CLUSTER_TYPE_URL, LISTENER_TYPE_URL } from "../proto/type-urls.ts";

/** The node identity a data plane presents to the control plane (envoy.config.core.v3.Node subset). */
export interface NodeIdentity {
  id: string;
  cluster: string;
  locality?: { region?: string; zone?: string; sub_zone?: string };
  /** google.protobuf.Struct as plain JSON. */
  metadata?: Record<string, unknown>;
}

export type XdsTransport = "sotw" | "delta";

/**
 * How the data plane subscribes:
 * - `ads`: one aggregated gRPC stream for every type;
 * - `per-type`: one gRPC stream per type (CDS, EDS, LDS, RDS services);
 * - `rest`: REST-JSON polling (`POST /v3/discovery:<type>`), SotW only;
 * - `file`: path-based subscription on files the control plane moves into a watched directory.
 */
export type XdsMode = "ads" | "per-type" | "rest" | "file";

/** The bootstrap subscriptions a data plane can be asked for (the rest follow from the resources). */
export type BootstrapResourceType = typeof CLUSTER_TYPE_URL | typeof LISTENER_TYPE_URL;

export interface XdsClientConfig {
  /** "127.0.0.1:port" of the xDS server (the tap); required for ads, per-type and rest. */
  address?: string;
  transport: XdsTransport;
  mode: XdsMode;
  /** REST-JSON base URL ("http://127.0.0.1:port"); defaults to http://<address>. */
  restUrl?: string;
  /** How often REST-JSON polls (default 1000). */
  restRefreshDelayMs?: number;
  /** Directory the control plane writes resource files into; required for mode "file". */
  fileDir?: string;
  /** Envoy's initial_fetch_timeout: how long init waits for a first response (0 = forever; Envoy default 15 s). */
  initialFetchTimeoutMs?: number;
  /** Bootstrap subscriptions (default: clusters and listeners). */
  resourceTypes?: BootstrapResourceType[];
}

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Gives up early, e.g. when the process being watched exits; the reason is in the error. */
  signal?: AbortSignal;
}

/** What every admin interface offers; Envoy's EnvoyAdmin has much more. */
export interface DataPlaneAdmin {
  configDump(): Promise<unknown>;
  stats(filter?: string): Promise<Record<string, number>>;
}

export interface DataPlaneBuilder {
  withNode(node: NodeIdentity): this;
  withXds(config: XdsClientConfig): this;
  start(): Promise<StartedDataPlane>;
}

export interface StartedDataPlane extends AsyncDisposable {
  /** Implementation name for reports, e.g. "envoy". */
  readonly name: string;
  /** Implementation version for reports, e.g. "1.40.0". */
  readonly version: string;
  readonly node: NodeIdentity;
  /** The admin interface, for data planes that have one. */
  getAdmin?(): DataPlaneAdmin;
  /** Waits until the data plane has its initial configuration (Envoy: /ready says LIVE). */
  waitForReady(options?: WaitOptions): Promise<void>;
  /** "host:port" that a listener of the data plane accepts traffic on, once it exists. */
  listenerAddress(name: string, options?: WaitOptions): Promise<string>;
  /** Recent log lines. */
  logs(): string;
  /** Stops the data plane and removes what it left on disk; idempotent. */
  stop(): Promise<void>;
}
