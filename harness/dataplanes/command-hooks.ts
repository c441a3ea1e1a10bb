// The observation hooks of a command data plane, rendered once per instance: started/ready probes (HTTP
// or an output line), admin config dump and stats, listener addresses. Every wait gives up at once when
// the process exits, with its exit status and last output lines.
import { connect } from "node:net";
import type { ChildHandle } from "../util/child.ts";
import type { CommandDefinition } from "./command-definition.ts";
import { waitFor } from "./envoy-admin.ts";
import { parseHostPort } from "./envoy-bootstrap.ts";
import type { DataPlaneAdmin, WaitOptions } from "./types.ts";

type Render = (text: string, where: string) => string;
type Probe = { http: string } | { log: string };

export class CommandHooks {
  constructor(
    private readonly definition: CommandDefinition,
    private readonly child: ChildHandle,
    private readonly render: Render,
    private readonly exited: AbortSignal,
  ) {}

  async waitForStarted(timeoutMs: number): Promise<void> {
    if (this.definition.started) await this.probe(this.definition.started, "started", false, { timeoutMs });
  }

  async waitForReady(options: WaitOptions = {}): Promise<void> {
    await this.probe(this.definition.ready, "ready", true, options);
  }

  admin(): DataPlaneAdmin | undefined {
    const admin = this.definition.admin;
    if (!admin) return undefined;
    const where = `${this.definition.source}: admin`;
    const configDumpUrl = this.render(admin.configDump, `${where}.configDump`);
    const stats = admin.stats && { ...admin.stats, url: this.render(admin.stats.url, `${where}.stats.url`) };
    return {
      configDump: async () => JSON.parse(await getText(configDumpUrl)),
      stats: async (filter?: string) => {
        if (!stats) throw new Error(`${where}.stats: expected a stats URL in the definition, got none`);
        const all = parseStats(await getText(stats.url), stats.format);
        const pattern = filter === undefined ? undefined : new RegExp(filter);
        return Object.fromEntries(Object.entries(all).filter(([name]) => !pattern || pattern.test(name)));
      },
    };
  }

  async listenerAddress(name: string, options: WaitOptions): Promise<string> {
    const listeners = this.definition.listeners;
    const where = `${this.definition.source}: listeners`;
    if (!listeners) throw new Error(`${where}: expected "static" or "admin" in the definition, got none`);
    const opts = { ...this.untilExit(options), what: `listener "${name}" of ${this.child.name}` };
    if ("static" in listeners) {
      const template = listeners.static[name];
      if (template === undefined) {
        const known = Object.keys(listeners.static).join(", ");
        throw new Error(`${where}.static: expected an entry for "${name}", got only ${known || "none"}`);
      }
      const address = this.render(template, `${where}.static.${name}`);
      // Known up front, but only an address once the proxy accepts connections on it.
      return waitFor(async () => {
        await tcpConnect(address);
        return { done: true, value: address };
      }, opts);
    }
    const url = this.render(listeners.admin, `${where}.admin`);
    return waitFor(async () => {
      const found = listenerFrom(JSON.parse(await getText(url)), name);
      return found.address ? { done: true, value: found.address } : { done: false, seen: found.seen };
    }, opts);
  }

  private async probe(probe: Probe, hook: string, need200: boolean, options: WaitOptions): Promise<void> {
    const where = `${this.definition.source}: ${hook}`;
    if ("log" in probe) {
      await this.child.waitForLine(new RegExp(probe.log), options.timeoutMs ?? 15_000);
      return;
    }
    const url = this.render(probe.http, `${where}.http`);
    await waitFor(
      async () => {
        const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
        const body = (await response.text()).trim().slice(0, 80);
        if (!need200 || response.status === 200) return { done: true, value: undefined };
        return { done: false, seen: `HTTP ${response.status} ${JSON.stringify(body)}` };
      },
      {
        ...this.untilExit(options),
        intervalMs: options.intervalMs ?? 20,
        what: `${this.child.name} ${hook} (${url}${need200 ? " answering 200" : ""})`,
      },
    );
  }

  private untilExit(options: WaitOptions): WaitOptions {
    return {
      ...options,
      signal: options.signal ? AbortSignal.any([this.exited, options.signal]) : this.exited,
    };
  }
}

async function getText(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  const body = await response.text();
  if (response.status !== 200)
    throw new Error(`GET ${url}: expected 200, got ${response.status} (${body.slice(0, 200)})`);
  return body;
}

function tcpConnect(address: string): Promise<void> {
  const { host, port } = parseHostPort(address, "listener address");
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, timeout: 1_000 });
    socket.once("connect", () => socket.destroy() && resolve());
    socket.once("timeout", () => socket.destroy(new Error(`connect ${address}: timed out`)));
    socket.once("error", reject);
  });
}

/** Envoy's {listener_statuses: [{name, local_address}]} or a plain {"name": "host:port"} object. */
export function listenerFrom(json: unknown, name: string): { address?: string; seen: string } {
  const statuses = (json as { listener_statuses?: unknown }).listener_statuses;
  if (Array.isArray(statuses)) {
    const found = statuses.find((l: { name?: string }) => l.name === name);
    const socket = found?.local_address?.socket_address;
    const names = statuses.map((l: { name?: string }) => `"${l.name}"`).join(", ");
    if (socket?.address === undefined) return { seen: `listeners [${names}]` };
    const host = String(socket.address).includes(":") ? `[${socket.address}]` : socket.address;
    return { address: `${host}:${socket.port_value}`, seen: "" };
  }
  const map = json as Record<string, unknown>;
  if (typeof map[name] === "string") return { address: map[name] as string, seen: "" };
  return {
    seen: `listeners [${Object.keys(map)
      .map((k) => `"${k}"`)
      .join(", ")}]`,
  };
}

/** Counters and gauges by name; Prometheus names keep their {labels}. Histograms are left out. */
export function parseStats(text: string, format: "envoy-json" | "prometheus"): Record<string, number> {
  const out: Record<string, number> = {};
  if (format === "envoy-json") {
    for (const s of (JSON.parse(text) as { stats?: { name?: string; value?: unknown }[] }).stats ?? []) {
      if (s.name !== undefined && typeof s.value === "number") out[s.name] = s.value;
    }
    return out;
  }
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?)\s+(\S+)/.exec(line);
    if (match && !line.startsWith("#") && Number.isFinite(Number(match[2]))) out[match[1]] = Number(match[2]);
  }
  return out;
}
