// The control-plane adapter interface (DESIGN.md §6): a builder describes a control plane and start()
// returns a started handle that owns its cleanup. Suites and checks use only these types; each
// implementation (reference server, any CP speaking the adapter API, go-control-plane) has its own file.
import type { JsonObject } from "../proto/codec.ts";

/** The complete state one node is served at one version; resources in proto3 JSON with "@type". */
export interface ControlPlaneSnapshot {
  version: string;
  resources: JsonObject[];
}

/** What a control plane says it can do; checks that need more are skipped, not failed. */
export type ControlPlaneFeature = "sotw" | "delta" | "ads" | "per-type" | "ordered-ads" | (string & {});

export interface ControlPlaneBuilder {
  start(): Promise<StartedControlPlane>;
}

export interface StartedControlPlane extends AsyncDisposable {
  /** Implementation name for reports, e.g. "go-control-plane". */
  readonly name: string;
  /** Implementation version for reports, e.g. "v0.14.0". */
  readonly version: string;
  /** "127.0.0.1:port" of its xDS gRPC server (put a tap in front of it). */
  readonly address: string;
  readonly features: readonly ControlPlaneFeature[];
  /**
   * Serves the snapshot to nodeId. Resolves when the control plane has the snapshot (and, for the
   * reference server, when its ordering policy has finished); rejects when the CP refuses it.
   */
  apply(nodeId: string, snapshot: ControlPlaneSnapshot): Promise<void>;
  /** Stops the control plane and whatever it started; idempotent. */
  stop(): Promise<void>;
}
