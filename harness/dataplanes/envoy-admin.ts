// Client for Envoy's admin API (https://www.envoyproxy.io/docs/envoy/latest/operations/admin). Polling
// the admin API is how the harness observes the data plane's state; waits poll at a short interval with
// a deadline and report what they awaited and the last thing they saw.
import type { DataPlaneAdmin, WaitOptions } from "./types.ts";

export interface SocketAddressJson {
  socket_address?: { address?: string; port_value?: number };
  pipe?: { path?: string };
}

export interface HostStatus {
  address: SocketAddressJson;
  health_status?: { eds_health_status?: string; failed_active_health_check?: boolean };
  weight?: number;
  locality?: { region?: string; zone?: string; sub_zone?: string };
  stats?: { name: string; value?: string | number; type?: string }[];
}

export interface ClusterStatus {
  name: string;
  added_via_api?: boolean;
  host_statuses?: HostStatus[];
}

export interface ListenerStatus {
  name: string;
  local_address?: SocketAddressJson;
  additional_local_addresses?: SocketAddressJson[];
}

export interface ConfigDump {
  configs: ({ "@type": string } & Record<string, any>)[];
}

export interface ServerInfo {
  version: string;
  state: string;
  uptime_current_epoch?: string;
  node?: Record<string, unknown>;
  command_line_options?: Record<string, unknown>;
}

export interface WaitForOptions extends WaitOptions {
  /** What is awaited, for the error message ("cluster \"web\" with 2 endpoints"). */
  what: string;
}

/** A probe answers either the value awaited or undefined plus what it saw instead. */
export type Probe<T> = () => Promise<{ done: true; value: T } | { done: false; seen: string }>;

/** Polls probe until it is done; probe errors count as "seen" (the server may not be up yet). */
export async function waitFor<T>(probe: Probe<T>, options: WaitForOptions): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 50;
  const start = Date.now();
  let seen = "nothing yet";
  for (;;) {
    if (options.signal?.aborted) {
      throw new Error(
        `${options.what}: gave up after ${Date.now() - start}ms: ${abortReason(options.signal)}`,
      );
    }
    try {
      const result = await probe();
      if (result.done) return result.value;
      seen = result.seen;
    } catch (error) {
      seen = `error: ${(error as Error).message}`;
    }
    if (Date.now() - start >= timeoutMs) {
      throw new Error(`${options.what}: not reached after ${timeoutMs}ms; last seen: ${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function abortReason(signal: AbortSignal): string {
  return signal.reason instanceof Error ? signal.reason.message : String(signal.reason);
}

export function formatAddress(address: SocketAddressJson | undefined): string {
  const s = address?.socket_address;
  if (s?.address !== undefined)
    return s.address.includes(":") ? `[${s.address}]:${s.port_value}` : `${s.address}:${s.port_value}`;
  return address?.pipe?.path ?? "<no address>";
}

function truncate(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export class EnvoyAdmin implements DataPlaneAdmin {
  /** baseUrl: "http://127.0.0.1:<admin port>". */
  constructor(
    readonly baseUrl: string,
    private readonly requestTimeoutMs = 5000,
  ) {}

  async get(path: string): Promise<{ status: number; body: string }> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      signal: AbortSignal.timeout(this.requestTimeoutMs),
    });
    return { status: response.status, body: await response.text() };
  }

  async getJson<T>(path: string): Promise<T> {
    const { status, body } = await this.get(path);
    if (status !== 200)
      throw new Error(`GET ${path}: expected 200, got ${status} (${truncate(body.trim())})`);
    return JSON.parse(body) as T;
  }

  /** /config_dump, optionally one resource kind, e.g. "dynamic_active_clusters"; include_eds adds endpoints. */
  configDump(options: { resource?: string; includeEds?: boolean } = {}): Promise<ConfigDump> {
    const query = new URLSearchParams();
    if (options.resource) query.set("resource", options.resource);
    if (options.includeEds) query.set("include_eds", "");
    const q = query.toString();
    return this.getJson<ConfigDump>(`/config_dump${q ? `?${q}` : ""}`);
  }

  async clusters(): Promise<ClusterStatus[]> {
    return (
      (await this.getJson<{ cluster_statuses?: ClusterStatus[] }>("/clusters?format=json"))
        .cluster_statuses ?? []
    );
  }

  async listeners(): Promise<ListenerStatus[]> {
    return (
      (await this.getJson<{ listener_statuses?: ListenerStatus[] }>("/listeners?format=json"))
        .listener_statuses ?? []
    );
  }

  /** Counters and gauges by name; filter is Envoy's regex filter. Histograms are left out. */
  async stats(filter?: string): Promise<Record<string, number>> {
    const q = filter ? `&filter=${encodeURIComponent(filter)}` : "";
    const { stats } = await this.getJson<{ stats: { name?: string; value?: number }[] }>(
      `/stats?format=json${q}`,
    );
    const out: Record<string, number> = {};
    for (const s of stats) if (s.name !== undefined && typeof s.value === "number") out[s.name] = s.value;
    return out;
  }

  serverInfo(): Promise<ServerInfo> {
    return this.getJson<ServerInfo>("/server_info");
  }

  /** /ready: LIVE once the initial config (CDS and LDS, with their EDS/RDS) arrived; 503 before. */
  async ready(): Promise<{ live: boolean; state: string }> {
    const { status, body } = await this.get("/ready");
    return { live: status === 200, state: body.trim() };
  }

  waitFor<T>(probe: Probe<T>, options: WaitForOptions): Promise<T> {
    return waitFor(probe, options);
  }

  /** Waits until the admin interface answers at all (any /ready state). */
  async waitForAdmin(options: WaitOptions = {}): Promise<string> {
    return waitFor(async () => ({ done: true, value: (await this.ready()).state }), {
      ...options,
      what: `Envoy admin at ${this.baseUrl} answering`,
    });
  }

  async waitForReady(options: WaitOptions = {}): Promise<void> {
    await waitFor(
      async () => {
        const { live, state } = await this.ready();
        return live ? { done: true, value: undefined } : { done: false, seen: `/ready says ${state}` };
      },
      { ...options, what: `Envoy at ${this.baseUrl} LIVE` },
    );
  }

  /** Waits until the cluster has `count` hosts (`healthy`: whose EDS health is HEALTHY or unset). */
  async waitForClusterEndpoints(
    name: string,
    count: number,
    options: WaitOptions & { healthy?: boolean } = {},
  ): Promise<HostStatus[]> {
    return waitFor(
      async () => {
        const cluster = (await this.clusters()).find((c) => c.name === name);
        if (!cluster) return { done: false, seen: `no cluster "${name}"` };
        const hosts = (cluster.host_statuses ?? []).filter(
          (h) => !options.healthy || (h.health_status?.eds_health_status ?? "HEALTHY") === "HEALTHY",
        );
        if (hosts.length === count) return { done: true, value: hosts };
        return {
          done: false,
          seen: `${hosts.length} host(s): ${hosts.map((h) => formatAddress(h.address)).join(", ")}`,
        };
      },
      { ...options, what: `cluster "${name}" with ${count}${options.healthy ? " healthy" : ""} endpoint(s)` },
    );
  }

  /** Waits until the listener is bound and returns its "host:port" (the real port when the config says 0). */
  async waitForListener(name: string, options: WaitOptions = {}): Promise<string> {
    return waitFor(
      async () => {
        const listeners = await this.listeners();
        const listener = listeners.find((l) => l.name === name);
        if (listener?.local_address) return { done: true, value: formatAddress(listener.local_address) };
        return { done: false, seen: `listeners [${listeners.map((l) => `"${l.name}"`).join(", ")}]` };
      },
      { ...options, what: `listener "${name}"` },
    );
  }

  /** version_info of the last accepted CDS/LDS update, from the config dump ("" before the first). */
  async versions(): Promise<{ clusters: string; listeners: string }> {
    const dump = await this.configDump();
    const find = (type: string) => dump.configs.find((c) => c["@type"].endsWith(type))?.version_info ?? "";
    return { clusters: find(".ClustersConfigDump"), listeners: find(".ListenersConfigDump") };
  }
}
