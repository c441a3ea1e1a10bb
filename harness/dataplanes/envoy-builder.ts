// What every way of running Envoy (process, container) is configured with: node, subscription,
// log level, start deadline, worker threads, bootstrap edits and extra flags.
import { randomBytes } from "node:crypto";
import type { DataPlaneBuilder, NodeIdentity, StartedDataPlane, XdsClientConfig } from "./types.ts";

export type EnvoyLogLevel = "trace" | "debug" | "info" | "warning" | "error" | "critical" | "off";
export type Bootstrap = Record<string, unknown>;

export abstract class EnvoyBuilder implements DataPlaneBuilder {
  protected node: NodeIdentity = { id: `xdsc-${randomBytes(4).toString("hex")}`, cluster: "xdsc" };
  protected xds: XdsClientConfig | undefined;
  protected logLevel: EnvoyLogLevel = "info";
  // One worker thread: the machines are small and a conformance run starts many Envoys.
  protected concurrency = 1;
  protected customize: (bootstrap: Bootstrap) => Bootstrap = (b) => b;
  protected extraArgs: string[] = [];

  /** @param startTimeoutMs deadline for the admin interface to answer after start */
  constructor(protected startTimeoutMs: number) {}

  withNode(node: NodeIdentity): this {
    this.node = node;
    return this;
  }

  withXds(config: XdsClientConfig): this {
    this.xds = config;
    return this;
  }

  withLogLevel(level: EnvoyLogLevel): this {
    this.logLevel = level;
    return this;
  }

  /** Deadline for the admin interface to answer after start. */
  withStartTimeout(ms: number): this {
    this.startTimeoutMs = ms;
    return this;
  }

  withConcurrency(workers: number): this {
    this.concurrency = workers;
    return this;
  }

  /** Edits the generated bootstrap (proto3 JSON) before Envoy reads it, e.g. to add static resources. */
  withBootstrap(customize: (bootstrap: Bootstrap) => Bootstrap): this {
    this.customize = customize;
    return this;
  }

  /** Extra command-line flags, e.g. ["--component-log-level", "upstream:debug"]. */
  withArgs(...args: string[]): this {
    this.extraArgs = args;
    return this;
  }

  abstract start(): Promise<StartedDataPlane>;
}
