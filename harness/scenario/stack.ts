// A started scenario topology: echo backends → reference control plane → tap → data plane, with the
// harness-allocated ports, wired for one transport variant. Checks get one per run (fresh node id,
// fresh data plane), so no state leaks between checks. Everything is stopped in reverse order.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { JsonObject } from "../proto/codec.ts";
import { rewriteConfigSources } from "../dataplanes/config-source.ts";
import { EnvoyProcess } from "../dataplanes/envoy-process.ts";
import { EnvoyAdmin } from "../dataplanes/envoy-admin.ts";
import type { StartedEnvoy } from "../dataplanes/envoy-process.ts";
import type { DataPlaneBuilder, NodeIdentity, StartedDataPlane } from "../dataplanes/types.ts";
import { EchoBackend, type BackendProtocol, type StartedEchoBackend } from "../traffic/echo-backend.ts";
import { GrpcEchoBackend } from "../traffic/grpc-echo-backend.ts";
import { freePort } from "../util/free-port.ts";
import type { ReferenceServer, ApplyResult, ReferenceServerOptions } from "../xds/server.ts";
import { ReferenceControlPlane, StartedReferenceControlPlane } from "../controlplanes/reference.ts";
import { GoControlPlane } from "../controlplanes/go-control-plane.ts";
import { ExternalControlPlane, type ExternalControlPlaneOptions } from "../controlplanes/external.ts";
import type { StartedControlPlane } from "../controlplanes/types.ts";
import { resourceName } from "../proto/codec.ts";
import { CLUSTER_TYPE_URL, LISTENER_TYPE_URL } from "../proto/type-urls.ts";
import { RestEndpoint } from "../xds/rest.ts";
import { FilePublisher } from "../xds/file-publisher.ts";
import type { PolicyName } from "../xds/ordering.ts";
import { Tap } from "../tap/tap.ts";
import { variantName, type Variant } from "./variant.ts";

export interface StackOptions {
  variant: Variant;
  backends?: { name: string; protocol?: BackendProtocol | "grpc"; status?: number }[];
  listeners?: string[];
  server?: ReferenceServerOptions;
  /** Control plane by name (default "reference"); any other is driven through its adapter. */
  controlPlane?: string;
  /** Write the tap's transcript here (JSONL). */
  transcriptPath?: string;
  node?: Partial<NodeIdentity>;
  /** Envoy's initial_fetch_timeout (default 0: wait forever, so readiness never races the CP). */
  initialFetchTimeoutMs?: number;
}

/** Where the control plane named "external" listens; set by `xdsc certify --external-xds/--external-adapter`. */
let externalControlPlane: ExternalControlPlaneOptions | undefined;

/**
 * Points the control plane named "external" at a running implementation of the adapter API, for every
 * stack started afterwards (each connects its own adapter client); undefined forgets it.
 */
export function useExternalControlPlane(opts: ExternalControlPlaneOptions | undefined): void {
  externalControlPlane = opts;
}

/** Starts a control plane by name; the reference one takes the policy and faults. */
export async function startControlPlane(
  name: string,
  server: ReferenceServerOptions,
  variant: Variant,
): Promise<StartedControlPlane> {
  if (name === "reference") {
    return new ReferenceControlPlane().withOptions(server).start();
  }
  if (variant.mode === "rest" || variant.mode === "file")
    throw new Error(`control plane "${name}": serves gRPC variants only, got "${variantName(variant)}"`);
  if (server.policy || server.faults?.length)
    throw new Error(
      `control plane "${name}": has no ordering policies or fault modes (reference server only)`,
    );
  // Per-type variants: a fleet on per-type streams runs go-control-plane's cache without ADS mode.
  if (name === "go-control-plane")
    return new GoControlPlane().withAdsCache(variant.mode !== "per-type").start();
  if (name === "external") {
    if (!externalControlPlane)
      throw new Error(
        `control plane "external": expected its addresses (--external-xds HOST:PORT --external-adapter HOST:PORT), got none`,
      );
    return new ExternalControlPlane(externalControlPlane).start();
  }
  if (name === "kube-reference")
    throw new Error(
      `control plane "kube-reference": configured by Kubernetes objects only (it watches a cluster), not by fixture snapshots; only checks that require "kube-translator" run on it`,
    );
  throw new Error(
    `control plane "${name}": unknown to the harness (known: reference, go-control-plane, kube-reference, external)`,
  );
}

function changedTypes(before: Map<string, string>, after: JsonObject[]): Set<string> {
  const now = new Map(
    after.map((r) => [`${r["@type"]}|${resourceName(String(r["@type"]), r)}`, JSON.stringify(r)]),
  );
  const types = new Set<string>();
  for (const [k, v] of now) if (before.get(k) !== v) types.add(k.split("|")[0]!);
  for (const k of before.keys()) if (!now.has(k)) types.add(k.split("|")[0]!);
  return types;
}

/** Whether a served version label belongs to a snapshot version ("v2" or the intermediate "v2+add"). */
export function isStepOf(label: string | undefined, version: string): boolean {
  return label === version || label === `${version}+add`;
}

/** An HTTP or gRPC echo backend: what the harness needs of either. */
export type Backend = Pick<
  StartedEchoBackend,
  "name" | "port" | "address" | "getCount" | "resetCount" | "stop"
>;

/** A started data plane with Envoy's admin API. */
export type EnvoyLike = StartedDataPlane & { admin: EnvoyAdmin; logs(lastLines?: number): string };

export class Stack {
  private constructor(
    readonly variant: Variant,
    readonly node: NodeIdentity,
    /** The control plane serving this stack (behind the tap). */
    readonly cp: StartedControlPlane,
    private readonly reference: ReferenceServer | undefined,
    readonly tap: Tap,
    readonly backends: Map<string, Backend>,
    readonly listenerPorts: Map<string, number>,
    private readonly cleanups: (() => Promise<unknown>)[],
    private readonly fileDir?: string,
  ) {}

  /** The data plane, when it has Envoy's admin API (process, container, command-Envoy). */
  dp!: EnvoyLike;

  static async start(opts: StackOptions): Promise<Stack> {
    const cleanups: (() => Promise<unknown>)[] = [];
    try {
      const backends = new Map<string, Backend>();
      for (const b of opts.backends ?? []) {
        const started =
          b.protocol === "grpc"
            ? await new GrpcEchoBackend(b.name).start()
            : await new EchoBackend(b.name)
                .withProtocol(b.protocol ?? "http1")
                .withStatus(b.status ?? 200)
                .start();
        cleanups.push(() => started.stop());
        backends.set(b.name, started);
      }
      const listenerPorts = new Map<string, number>();
      for (const l of opts.listeners ?? []) listenerPorts.set(l, await freePort());
      const cp = await startControlPlane(opts.controlPlane ?? "reference", opts.server ?? {}, opts.variant);
      cleanups.push(() => cp.stop());
      const server = cp instanceof StartedReferenceControlPlane ? cp.server : undefined;
      const tap = await new Tap(cp.address, { transcriptPath: opts.transcriptPath }).start();
      cleanups.push(() => tap.stop());
      const node: NodeIdentity = {
        id: opts.node?.id ?? `xdsc-${randomBytes(4).toString("hex")}`,
        cluster: opts.node?.cluster ?? "xdsc",
        ...(opts.node?.locality ? { locality: opts.node.locality } : {}),
      };
      let fileDir: string | undefined;
      let restUrl: string | undefined;
      if (opts.variant.mode === "file") {
        fileDir = await mkdtemp(join(tmpdir(), "xdsc-files-"));
        cleanups.push(() => rm(fileDir!, { recursive: true, force: true }));
        server!.addPublisher(new FilePublisher(fileDir, node.id));
      }
      if (opts.variant.mode === "rest") {
        // REST polls bypass the gRPC tap; the server's own events record them.
        const rest = await new RestEndpoint(server!).start();
        cleanups.push(() => rest.stop());
        restUrl = rest.url;
      }
      const stack = new Stack(
        opts.variant,
        node,
        cp,
        server,
        tap,
        backends,
        listenerPorts,
        cleanups,
        fileDir,
      );
      stack.xdsConfig = {
        address: tap.address,
        transport: opts.variant.transport,
        mode: opts.variant.mode,
        restUrl,
        fileDir,
        initialFetchTimeoutMs: opts.initialFetchTimeoutMs ?? 0,
      };
      return stack;
    } catch (e) {
      for (const c of cleanups.reverse()) await c().catch(() => undefined);
      throw e;
    }
  }

  xdsConfig!: import("../dataplanes/types.ts").XdsClientConfig;
  /** Resources last applied, by "type|name", to tell which types an apply changed. */
  private lastApplied = new Map<string, string>();

  /** The reference server's internals (events, quiescence, policies); only when the CP is the reference. */
  get server(): ReferenceServer {
    if (!this.reference)
      throw new Error(
        `control plane "${this.cp.name}" is not the reference server: this needs requires: ["reference-cp"]`,
      );
    return this.reference;
  }

  get isReference(): boolean {
    return this.reference !== undefined;
  }

  get name(): string {
    return variantName(this.variant);
  }

  /** Resources rewritten for this variant's config sources (fixtures are written for ADS). */
  adapt(resources: JsonObject[]): JsonObject[] {
    return resources.map((r) => rewriteConfigSources(r, this.xdsConfig));
  }

  /** Serves a snapshot to this stack's node; resolves when the server's policy finished it. */
  async apply(version: string, resources: JsonObject[], policy?: PolicyName): Promise<ApplyResult> {
    const adapted = this.adapt(resources);
    this.changedTypes = changedTypes(this.lastApplied, adapted);
    this.appliedAt = this.tap.entries().length;
    this.lastApplied = new Map(
      adapted.map((r) => [`${r["@type"]}|${resourceName(String(r["@type"]), r)}`, JSON.stringify(r)]),
    );
    if (this.reference) return this.reference.apply(this.node.id, { version, resources: adapted }, policy);
    if (policy)
      throw new Error(
        `control plane "${this.cp.name}": ordering policies exist only on the reference server`,
      );
    await this.cp.apply(this.node.id, { version, resources: adapted });
    return { nodeId: this.node.id, version, steps: [], nacked: false };
  }

  private changedTypes = new Set<string>();
  private appliedAt = 0;

  /** Applies and waits until the node answered everything and is owed nothing (ACK/NACK based, no sleeps). */
  async applyAndSettle(
    version: string,
    resources: JsonObject[],
    policy?: PolicyName,
    timeoutMs = 15_000,
  ): Promise<ApplyResult> {
    const result = await this.apply(version, resources, policy);
    // Before a data plane started there is nothing to wait for; it will get this state when it connects.
    if (this.dataPlane) await this.waitForAcked(version, timeoutMs);
    return result;
  }

  /**
   * Waits until the data plane has answered everything the control plane sent for `version` (and is owed
   * nothing), failing on a NACK of that version. Event-driven: the server's per-stream ACK state.
   */
  async waitForAcked(version: string, timeoutMs = 15_000): Promise<void> {
    // REST polls and file subscriptions have no streams to be quiescent; the data plane's readiness
    // (waitForReady) is the signal there.
    if (this.variant.mode === "rest" || this.variant.mode === "file") return;
    // Quiescence is vacuous before the data plane connected: first wait for its first request.
    await this.tap.waitFor(
      (e) => e.direction === "request" && e.nodeId === this.node.id,
      `a request from node "${this.node.id}"`,
      timeoutMs,
    );
    if (this.reference) await this.reference.waitForQuiescence(this.node.id, timeoutMs);
    else await this.waitForExternalAcks(timeoutMs);
    const nack = this.tap
      .entries()
      .find(
        (e) =>
          e.classification === "nack" && e.nodeId === this.node.id && isStepOf(e.answers?.version, version),
      );
    if (nack) {
      throw new Error(
        `data plane NACKed ${nack.typeUrl.split(".").pop()} version "${version}": ${nack.errorDetail?.message ?? "(no error_detail)"}`,
      );
    }
  }

  /**
   * For a control plane we do not run: every type the last apply changed and the data plane watches
   * has been ACKed (or NACKed) since the apply — read from the tap alone.
   */
  private async waitForExternalAcks(timeoutMs: number): Promise<void> {
    const from = this.appliedAt;
    const watched = (t: string) =>
      this.tap
        .entries()
        .some((e) => e.direction === "request" && e.typeUrl === t && e.nodeId === this.node.id);
    for (const t of this.changedTypes) {
      if (!watched(t) && t !== CLUSTER_TYPE_URL && t !== LISTENER_TYPE_URL) continue;
      await this.tap.waitFor(
        (e) =>
          e.seq > from &&
          e.typeUrl === t &&
          e.nodeId === this.node.id &&
          (e.classification === "ack" || e.classification === "nack"),
        `ACK of ${t.split(".").pop()} after the apply`,
        timeoutMs,
      );
    }
  }

  async startEnvoy(configure?: (b: EnvoyProcess) => EnvoyProcess): Promise<StartedEnvoy> {
    let builder = new EnvoyProcess().withNode(this.node).withXds(this.xdsConfig);
    if (configure) builder = configure(builder);
    const envoy = (await builder.start()) as StartedEnvoy;
    this.dp = envoy;
    this.dataPlane = envoy;
    this.cleanups.push(() => envoy.stop());
    return envoy;
  }

  /** The data plane started by startDataPlane() (startEnvoy() sets `dp` too). */
  dataPlane?: StartedDataPlane;

  /** Starts any data plane adapter for this stack's node against its tap; stopped with the stack. */
  async startDataPlane<B extends DataPlaneBuilder>(builder: B): Promise<Awaited<ReturnType<B["start"]>>> {
    const started = (await builder.withNode(this.node).withXds(this.xdsConfig).start()) as Awaited<
      ReturnType<B["start"]>
    >;
    this.dataPlane = started;
    if ("admin" in started && started.admin instanceof EnvoyAdmin) this.dp = started as unknown as EnvoyLike;
    this.cleanups.push(() => started.stop());
    return started;
  }

  url(listener: string, path = "/"): string {
    const port = this.listenerPorts.get(listener);
    if (port === undefined)
      throw new Error(
        `listener "${listener}": not declared (declared: ${[...this.listenerPorts.keys()].join(", ")})`,
      );
    return `http://127.0.0.1:${port}${path}`;
  }

  /** Template variables of a fixture for this stack. */
  vars() {
    return {
      backends: Object.fromEntries(
        [...this.backends].map(([n, b]) => [n, { port: b.port, address: "127.0.0.1" }]),
      ),
      listeners: Object.fromEntries([...this.listenerPorts].map(([n, port]) => [n, { port }])),
      nodeId: this.node.id,
    };
  }

  async stop(): Promise<void> {
    const all = this.cleanups.splice(0).reverse();
    for (const c of all) await c().catch(() => undefined);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
