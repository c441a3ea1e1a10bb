// The reference xDS server: v3, ADS and per-type services, SotW and delta, per-node versioned
// snapshots, ordering policies and fault modes. Programmatic first (`apply`, events); `xdsc serve` wraps it.
import { EventEmitter } from "node:events";
import * as grpc from "@grpc/grpc-js";
import type {
  DeltaDiscoveryRequest,
  DeltaDiscoveryResponse,
  DiscoveryRequest,
  DiscoveryResponse,
} from "../proto/discovery.ts";
import { ALL_SERVICES, serviceDefinition, xdsMethods, type XdsMethod } from "../proto/services.ts";
import {
  CLUSTER_TYPE_URL,
  ENDPOINT_TYPE_URL,
  LISTENER_TYPE_URL,
  ROUTE_TYPE_URL,
  shortTypeName,
} from "../proto/type-urls.ts";
import type { ApplyStepEvent, RequestEvent, ResponseEvent, ServerEvents, StreamInfo } from "./events.ts";
import { faultByName, type Fault } from "./faults.ts";
import { planSteps, type PolicyName, type PolicyOptions, type Step } from "./ordering.ts";
import {
  cloneState,
  edsNames,
  makeSnapshot,
  rdsNames,
  type SnapshotInput,
  type State,
  type TypeState,
} from "./snapshot.ts";
import { DeltaStream } from "./delta-stream.ts";
import { SotwStream } from "./sotw-stream.ts";
import type { XdsStream } from "./stream.ts";
import { heartbeatIntervalMs } from "./ttl.ts";

export interface ReferenceServerOptions {
  policy?: PolicyName;
  policyOptions?: PolicyOptions;
  faults?: string[];
  /** How long a make-before-break step waits for the node's ACK before moving on. */
  ackTimeoutMs?: number;
  /** TTL heartbeat period (default: a third of the shortest TTL served, see ttl.ts). */
  heartbeatIntervalMs?: number;
}

/** Something besides streams that serves state, e.g. files for Envoy's path-based subscriptions. */
export interface Publisher {
  publish(nodeId: string, typeUrl: string, state: TypeState): void;
}

export interface ApplyResult {
  nodeId: string;
  version: string;
  steps: ApplyStepEvent[];
  nacked: boolean;
}

/** Node id that stands for "every node without a snapshot of its own". */
export const ANY_NODE = "*";

export class ReferenceServer extends EventEmitter<ServerEvents> {
  private server?: grpc.Server;
  private boundPort = 0;
  private readonly states = new Map<string, State>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly live = new Set<XdsStream>();
  private readonly publishers: Publisher[] = [];
  /** Per node, the snapshot an apply is staging (its steps may not have served every type yet). */
  private readonly targets = new Map<string, State>();
  private nonce = 0;
  private streamIds = 0;
  private heartbeats?: { timer: NodeJS.Timeout; intervalMs: number };
  readonly faults: Fault[];
  policy: PolicyName;

  constructor(private readonly opts: ReferenceServerOptions = {}) {
    super();
    this.policy = opts.policy ?? "make-before-break";
    this.faults = (opts.faults ?? []).map(faultByName);
  }

  get port(): number {
    return this.boundPort;
  }
  get address(): string {
    return `127.0.0.1:${this.boundPort}`;
  }

  async start(port = 0): Promise<this> {
    const server = new grpc.Server({
      "grpc.max_receive_message_length": 64 << 20,
      "grpc.max_send_message_length": 256 << 20,
    });
    for (const service of ALL_SERVICES) {
      const handlers: grpc.UntypedServiceImplementation = {};
      for (const m of xdsMethods().filter((x) => x.service === service))
        handlers[m.name] = this.handlerFor(m);
      server.addService(serviceDefinition(service), handlers);
    }
    this.boundPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    );
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.forceShutdown();
    if (this.heartbeats) clearInterval(this.heartbeats.timer);
    this.heartbeats = undefined;
    for (const s of this.live) s.closed();
    this.live.clear();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** The state currently served to a node (its own, else the ANY_NODE state). */
  served(nodeId: string): State | undefined {
    return this.states.get(nodeId) ?? this.states.get(ANY_NODE);
  }

  streams(): StreamInfo[] {
    return [...this.live].map((s) => ({ ...s.info, nodeId: s.nodeId }));
  }

  /**
   * Moves a node (or every node, with ANY_NODE) to a new snapshot following the ordering policy.
   * Resolves when every step was sent and, where the policy waits, ACKed/NACKed (or timed out).
   * Applies to the same node are serialised.
   */
  apply(nodeId: string, input: SnapshotInput, policy: PolicyName = this.policy): Promise<ApplyResult> {
    const snapshot = makeSnapshot(input);
    const prev = this.queues.get(nodeId) ?? Promise.resolve();
    const run = prev
      .catch(() => undefined)
      .then(async () => {
        // While an ordering policy stages the snapshot, what it is about to serve is not "missing" (R64).
        this.targets.set(nodeId, snapshot.state);
        const steps: ApplyStepEvent[] = [];
        const current = this.states.get(nodeId) ?? new Map();
        const next = cloneState(current);
        for (const step of planSteps(policy, current, snapshot, this.opts.policyOptions)) {
          if (step.delayMs) await new Promise((r) => setTimeout(r, step.delayMs));
          const before = next.get(step.typeUrl);
          next.set(step.typeUrl, step.state);
          this.states.set(nodeId, next);
          steps.push(await this.runStep(nodeId, step, before));
        }
        // Every step has run, so each type now serves the snapshot's entries; types no step touched only
        // take the snapshot's version label (no response is owed for an unchanged type).
        this.states.set(nodeId, snapshot.state);
        this.scheduleHeartbeats();
        return {
          nodeId,
          version: snapshot.version,
          steps,
          nacked: steps.some((s) => s.outcome === "nacked"),
        };
      })
      .finally(() => this.targets.delete(nodeId));
    this.queues.set(nodeId, run);
    return run;
  }

  /** For CDS/LDS steps: the EDS/RDS names that the pushed clusters/listeners need. */
  private dependentsOf(step: Step): { typeUrl: string; names: Set<string> } | undefined {
    if (step.typeUrl === CLUSTER_TYPE_URL) return { typeUrl: ENDPOINT_TYPE_URL, names: edsNames(step.state) };
    if (step.typeUrl === LISTENER_TYPE_URL) return { typeUrl: ROUTE_TYPE_URL, names: rdsNames(step.state) };
    return undefined;
  }

  /** Every stream of the node has answered every response and is owed nothing. */
  quiescent(nodeId: string): boolean {
    return [...this.live].filter((s) => s.nodeId === nodeId).every((s) => s.quiescent());
  }

  /**
   * Resolves once pending applies for the node finished and its streams are quiescent (re-checked on
   * every request, response and stream change); fails after timeoutMs naming what was still open.
   */
  async waitForQuiescence(nodeId: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    await Promise.race([
      this.queues.get(nodeId) ?? Promise.resolve(),
      new Promise((_, reject) =>
        setTimeout(
          () => reject(new Error(`apply for node "${nodeId}" still running after ${timeoutMs}ms`)),
          timeoutMs,
        ).unref(),
      ),
    ]);
    if (this.quiescent(nodeId)) return;
    await new Promise<void>((resolve, reject) => {
      const events = ["request", "response", "stream-close", "stream-open"] as const;
      // Events fire before the stream has processed the message, so look once it has.
      const check = () =>
        setImmediate(() => {
          if (!this.quiescent(nodeId)) return;
          done();
          resolve();
        });
      const timer = setTimeout(
        () => {
          done();
          const open = [...this.live]
            .filter((s) => s.nodeId === nodeId && !s.quiescent())
            .map((s) => `stream ${s.info.streamId} (${s.info.method})`);
          reject(
            new Error(
              `node "${nodeId}" not quiescent after ${timeoutMs}ms: awaiting ACKs or owed responses on ${open.join(", ") || "no stream (they settled without a further event)"}`,
            ),
          );
        },
        Math.max(1, deadline - Date.now()),
      );
      const done = () => {
        clearTimeout(timer);
        for (const e of events) this.off(e, check);
      };
      for (const e of events) this.on(e, check);
    });
  }

  /**
   * xds_protocol "TTL": while any state carries a TTL, every stream heartbeats the TTL'd resources its
   * client has, often enough that a TTL never runs out while the server still serves the resource.
   */
  private scheduleHeartbeats(): void {
    let minTtl = Infinity;
    for (const state of this.states.values())
      for (const t of state.values())
        for (const e of t.entries.values()) if (e.ttlMs !== undefined) minTtl = Math.min(minTtl, e.ttlMs);
    const intervalMs =
      minTtl === Infinity ? undefined : (this.opts.heartbeatIntervalMs ?? heartbeatIntervalMs(minTtl));
    if (this.heartbeats?.intervalMs === intervalMs) return;
    if (this.heartbeats) clearInterval(this.heartbeats.timer);
    this.heartbeats = undefined;
    if (intervalMs === undefined || this.faults.some((f) => f.noHeartbeat)) return;
    const timer = setInterval(() => {
      for (const s of this.live) for (const t of s.watchedTypes()) s.heartbeat(t);
    }, intervalMs);
    timer.unref();
    this.heartbeats = { timer, intervalMs };
  }

  addPublisher(p: Publisher): void {
    this.publishers.push(p);
  }

  private async runStep(nodeId: string, step: Step, before?: TypeState): Promise<ApplyStepEvent> {
    for (const p of this.publishers) p.publish(nodeId, step.typeUrl, step.state);
    // Nobody to wait for (no data plane connected yet, or file/REST delivery): serve and move on.
    if (![...this.live].some((s) => this.appliesTo(nodeId, s)))
      return this.stepEvent(nodeId, step, "no-subscriber");
    const timeoutMs = this.opts.ackTimeoutMs ?? 5000;
    const deadline = Date.now() + timeoutMs;
    // EDS/RDS that the clusters/listeners already served need: on per-type streams the data plane asks for
    // them on a stream of their own, possibly after the CDS/LDS ACK; push only once it has asked.
    if (step.waitForAck) {
      const needed = this.neededBy(nodeId, step);
      if (needed.size > 0 && !(await this.subscribedTo(nodeId, step.typeUrl, needed, deadline))) {
        return this.stepEvent(nodeId, step, "timeout");
      }
    }
    const newDependents = this.unsubscribedDependents(nodeId, step);
    const targets = [...this.live].filter((s) => this.appliesTo(nodeId, s) && s.watches(step.typeUrl));
    const nonces = targets.map((s) => [s, s.push(step.typeUrl)] as const).filter(([, n]) => n !== undefined);
    if (step.typeUrl === CLUSTER_TYPE_URL) this.rewarm(nodeId, before, step.state);
    if (!step.waitForAck || nonces.length === 0)
      return this.stepEvent(nodeId, step, nonces.length === 0 ? "no-subscriber" : "sent");
    const ads = nonces.some(([s]) => s.info.fixedType === undefined);
    if (newDependents) {
      // Envoy holds a CDS/LDS ACK until the new clusters/listeners warmed, which needs what follows: the
      // request for the dependent names is the sign it processed the push. On ADS that suffices (the
      // stream keeps the order); on per-type streams the ACK must come too.
      if (!(await this.subscribedTo(nodeId, newDependents.typeUrl, newDependents.names, deadline)))
        return this.stepEvent(nodeId, step, "timeout");
      if (ads) return this.stepEvent(nodeId, step, "subscribed");
    } else if (ads && (step.typeUrl === CLUSTER_TYPE_URL || step.typeUrl === LISTENER_TYPE_URL)) {
      // Nothing new to subscribe to (e.g. an updated cluster): the ACK may be held until re-warming gets
      // the EDS that follows on this same stream, so do not wait for it.
      return this.stepEvent(nodeId, step, "sent");
    }
    let timer: NodeJS.Timeout | undefined;
    const res = await Promise.race([
      Promise.all(nonces.map(([s, n]) => s.outcome(n!))),
      new Promise<"timeout">(
        (r) => (timer = setTimeout(() => r("timeout"), Math.max(1, deadline - Date.now()))),
      ),
    ]);
    clearTimeout(timer);
    const outcome = res === "timeout" ? "timeout" : res.some((o) => o.kind === "nacked") ? "nacked" : "acked";
    return this.stepEvent(nodeId, step, outcome);
  }

  /**
   * xds_protocol "Resource warming": an updated EDS cluster warms again and completes only when its
   * ClusterLoadAssignment arrives — even an unchanged one (envoyproxy/envoy#13009, go-control-plane#245).
   * SotW clients re-request it (answered in SotwStream); delta clients do not, so it is sent again here.
   */
  private rewarm(nodeId: string, before: TypeState | undefined, after: TypeState): void {
    const names = new Set<string>();
    for (const [name, e] of after.entries) {
      const old = before?.entries.get(name);
      if (old && old.hash !== e.hash)
        for (const n of edsNames({ version: "", entries: new Map([[name, e]]) })) names.add(n);
    }
    if (names.size === 0) return;
    for (const s of this.live)
      if (this.appliesTo(nodeId, s) && s instanceof DeltaStream) s.resend(ENDPOINT_TYPE_URL, names);
  }

  private stepEvent(nodeId: string, step: Step, outcome: ApplyStepEvent["outcome"]): ApplyStepEvent {
    const ev: ApplyStepEvent = {
      at: Date.now(),
      nodeId,
      version: step.state.version,
      typeUrl: step.typeUrl,
      phase: step.phase,
      outcome,
    };
    this.emit("apply-step", ev);
    return ev;
  }

  /** Resolves true once every name is subscribed (by name or wildcard) on some stream of the node. */
  private subscribedTo(
    nodeId: string,
    typeUrl: string,
    names: Set<string>,
    deadline: number,
  ): Promise<boolean> {
    const done = () =>
      [...names].every((n) =>
        [...this.live].some((s) => this.appliesTo(nodeId, s) && s.subscribes(typeUrl, n)),
      );
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      // Request events fire before the stream processed the message, so look once it has.
      const check = () => setImmediate(() => done() && finish(true));
      const timer = setTimeout(() => finish(false), Math.max(1, deadline - Date.now()));
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        this.off("request", check);
        resolve(ok);
      };
      this.on("request", check);
    });
  }

  /** For CDS/LDS steps: the dependent EDS/RDS names no stream of the node subscribes to yet. */
  private unsubscribedDependents(
    nodeId: string,
    step: Step,
  ): { typeUrl: string; names: Set<string> } | undefined {
    const d = this.dependentsOf(step);
    if (!d) return undefined;
    const streams = [...this.live].filter((s) => this.appliesTo(nodeId, s));
    const names = new Set([...d.names].filter((n) => !streams.some((s) => s.subscribes(d.typeUrl, n))));
    return names.size > 0 ? { typeUrl: d.typeUrl, names } : undefined;
  }

  /** For EDS/RDS steps: the names this step serves that the node's served clusters/listeners reference. */
  private neededBy(nodeId: string, step: Step): Set<string> {
    const state = this.states.get(nodeId) ?? this.states.get(ANY_NODE);
    const refs =
      step.typeUrl === ENDPOINT_TYPE_URL
        ? edsNames(state?.get(CLUSTER_TYPE_URL))
        : step.typeUrl === ROUTE_TYPE_URL
          ? rdsNames(state?.get(LISTENER_TYPE_URL))
          : new Set<string>();
    return new Set([...refs].filter((n) => step.state.entries.has(n)));
  }

  /**
   * One request, one response: unary Fetch and REST-JSON polling. A fresh SotW stream answers it, so
   * the request and response are reported like any other; undefined when there is nothing to send.
   */
  fetch(req: DiscoveryRequest, info: StreamInfo, quiet = false): DiscoveryResponse | undefined {
    let answer: DiscoveryResponse | undefined;
    const host = this.host();
    // quiet: what the answer would be, without reporting it (a REST poll deciding whether to answer).
    if (quiet) Object.assign(host, { emitRequest: () => undefined, emitResponse: () => undefined });
    new SotwStream(
      host,
      info,
      (r) => (answer = r),
      () => undefined,
    ).handle(req);
    return answer;
  }

  nextStreamId(): number {
    return ++this.streamIds;
  }

  private appliesTo(nodeId: string, s: XdsStream): boolean {
    return nodeId === ANY_NODE ? !this.states.has(s.nodeId) || s.nodeId === ANY_NODE : s.nodeId === nodeId;
  }

  private host() {
    return {
      stateFor: (id: string) => this.served(id),
      staged: (id: string, typeUrl: string, name: string) =>
        !!(this.targets.get(id) ?? this.targets.get(ANY_NODE))?.get(typeUrl)?.entries.has(name),
      nextNonce: () => String(++this.nonce),
      faults: this.faults,
      emitRequest: (e: RequestEvent) => this.emit("request", e),
      emitResponse: (e: ResponseEvent) => this.emit("response", e),
      onNodeKnown: () => undefined,
    };
  }

  private handlerFor(m: XdsMethod): grpc.UntypedHandleCall {
    const info = (): StreamInfo => ({
      streamId: ++this.streamIds,
      kind: m.kind,
      fixedType: m.typeUrl,
      method: m.path,
    });
    if (m.kind === "fetch") {
      return (
        call: grpc.ServerUnaryCall<DiscoveryRequest, DiscoveryResponse>,
        cb: grpc.sendUnaryData<DiscoveryResponse>,
      ) => {
        const answer = this.fetch(call.request, { ...info(), kind: "fetch" });
        if (answer) cb(null, answer);
        else
          cb({
            code: grpc.status.NOT_FOUND,
            details: `no ${shortTypeName(call.request.typeUrl || m.typeUrl!)} resources for this request`,
          });
      };
    }
    return (call: grpc.ServerDuplexStream<unknown, unknown>) => {
      // The server ending a stream (a fault): it serves nothing more at once, and the call itself ends
      // once the message handler returned — ending inside it makes grpc-js park the status while it still
      // processes the message, and the client never sees the stream end.
      // (`close` is defined below; `end` only runs once messages flow, after it exists.)
      const end = () => {
        close("ended by the server");
        setImmediate(() => call.end());
      };
      const stream =
        m.kind === "delta"
          ? new DeltaStream(this.host(), info(), (r: DeltaDiscoveryResponse) => call.write(r), end)
          : new SotwStream(this.host(), info(), (r: DiscoveryResponse) => call.write(r), end);
      this.live.add(stream);
      this.emit("stream-open", { ...stream.info, at: Date.now() });
      const close = (error?: string) => {
        if (!this.live.delete(stream)) return;
        stream.closed();
        this.emit("stream-close", { ...stream.info, at: Date.now(), nodeId: stream.nodeId, error });
      };
      call.on("data", (req: DiscoveryRequest | DeltaDiscoveryRequest) => {
        try {
          (stream as { handle(r: unknown): void }).handle(req);
        } catch (e) {
          call.destroy(e as Error);
        }
      });
      call.on("end", () => {
        close();
        call.end();
      });
      call.on("error", (e) => close(e.message));
      call.on("cancelled", () => close("cancelled"));
      call.on("close", () => close());
    };
  }
}
