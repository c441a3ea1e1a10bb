// The reference xDS server (harness/xds) as a control-plane adapter: in process, native apply with an
// ordering policy and fault modes, and the server itself reachable for checks that need its events.
import { readFileSync } from "node:fs";
import { projectPath } from "../util/paths.ts";
import { ReferenceServer, type ApplyResult, type ReferenceServerOptions } from "../xds/server.ts";
import type { PolicyName } from "../xds/ordering.ts";
import type { ControlPlaneBuilder, ControlPlaneSnapshot, StartedControlPlane } from "./types.ts";

export const REFERENCE_NAME = "xdsc-reference";
export const REFERENCE_VERSION = (
  JSON.parse(readFileSync(projectPath("package.json"), "utf8")) as { version: string }
).version;
export const REFERENCE_FEATURES = ["sotw", "delta", "ads", "per-type", "ordered-ads", "rest", "file", "ttl"];

export class ReferenceControlPlane implements ControlPlaneBuilder {
  private opts: ReferenceServerOptions = {};

  /** Every server option at once (policy, policy options, faults, ACK timeout). */
  withOptions(opts: ReferenceServerOptions): this {
    this.opts = { ...opts, faults: [...(opts.faults ?? [])] };
    return this;
  }

  withPolicy(policy: PolicyName): this {
    this.opts.policy = policy;
    return this;
  }

  /** Fault modes by name (harness/xds/faults.ts), for known-bad twins. */
  withFaults(...faults: string[]): this {
    this.opts.faults = [...(this.opts.faults ?? []), ...faults];
    return this;
  }

  withAckTimeout(ms: number): this {
    this.opts.ackTimeoutMs = ms;
    return this;
  }

  async start(): Promise<StartedReferenceControlPlane> {
    return new StartedReferenceControlPlane(await new ReferenceServer(this.opts).start());
  }
}

export class StartedReferenceControlPlane implements StartedControlPlane {
  readonly name = REFERENCE_NAME;
  readonly version = REFERENCE_VERSION;
  readonly features = REFERENCE_FEATURES;
  /** The result of the most recent apply (steps and their ACK outcomes). */
  lastApply?: ApplyResult;

  constructor(readonly server: ReferenceServer) {}

  get address(): string {
    return this.server.address;
  }

  async apply(nodeId: string, snapshot: ControlPlaneSnapshot): Promise<void> {
    this.lastApply = await this.server.apply(nodeId, snapshot);
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
