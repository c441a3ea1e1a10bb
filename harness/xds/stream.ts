// What SotW and delta streams share: node identity, per-type watches, nonces and the outcome (ACK/NACK)
// of every response, which the server awaits when an ordering policy says "wait for the ACK".
import type { Node, Status } from "../proto/discovery.ts";
import type { Fault, FaultContext, FaultSwitches } from "./faults.ts";
import type { RequestEvent, ResponseEvent, StreamInfo } from "./events.ts";
import type { State } from "./snapshot.ts";

export interface Outcome {
  kind: "acked" | "nacked" | "closed";
  errorDetail?: Status;
}

/** What a stream needs from the server that owns it. */
export interface StreamHost {
  stateFor(nodeId: string): State | undefined;
  nextNonce(): string;
  faults: Fault[];
  emitRequest(e: RequestEvent): void;
  emitResponse(e: ResponseEvent): void;
  onNodeKnown(stream: XdsStream): void;
}

/** What every watch of a type knows: the names subscribed, or everything. */
export interface WatchBase {
  wildcard: boolean;
  subscribed: Set<string>;
}

export abstract class XdsStream<W extends WatchBase = WatchBase> {
  protected readonly watchesByType = new Map<string, W>();

  nodeId = "";
  node?: Node;
  protected sent = 0;
  private readonly waiters = new Map<string, ((o: Outcome) => void)[]>();
  /** Sent nonces not yet ACKed or NACKed. */
  protected readonly unsettled = new Set<string>();
  private readonly outcomes = new Map<string, Outcome>();
  protected readonly lastNonce = new Map<string, string>();
  protected readonly lastVersion = new Map<string, string>();

  constructor(
    protected readonly host: StreamHost,
    readonly info: StreamInfo,
  ) {}

  /** Serve the current state of `typeUrl` if this stream watches it; returns the nonce if it sent. */
  abstract push(typeUrl: string): string | undefined;
  watches(typeUrl: string): boolean {
    return this.watchesByType.has(typeUrl);
  }
  /** Whether push(typeUrl) would send something now. */
  abstract wouldSend(typeUrl: string): boolean;
  watchedTypes(): string[] {
    return [...this.watchesByType.keys()];
  }
  /** Whether the client asked for this resource (by name or by wildcard). */
  subscribes(typeUrl: string, name: string): boolean {
    const w = this.watchesByType.get(typeUrl);
    return !!w && (w.wildcard || w.subscribed.has(name));
  }

  /** Nothing in flight and nothing owed: every response answered, every watched type up to date. */
  quiescent(): boolean {
    return this.unsettled.size === 0 && this.watchedTypes().every((t) => !this.wouldSend(t));
  }

  protected learnNode(node: Node | undefined): void {
    if (this.node || !node) return;
    this.node = node;
    this.nodeId = node.id;
    this.host.onNodeKnown(this);
  }

  /** Whether a fault mode of the server turns this behaviour switch on. */
  protected faulty(flag: keyof FaultSwitches): boolean {
    return this.host.faults.some((f) => f[flag]);
  }

  protected typeOf(requestType: string): string {
    return requestType || this.info.fixedType || "";
  }

  protected faultContext(typeUrl: string): FaultContext {
    return {
      streamId: this.info.streamId,
      typeUrl,
      sent: this.sent,
      previousNonce: this.lastNonce.get(typeUrl),
      previousVersion: this.lastVersion.get(typeUrl),
    };
  }

  protected sentNonce(nonce: string): void {
    this.unsettled.add(nonce);
  }

  protected settle(nonce: string, outcome: Outcome): void {
    this.unsettled.delete(nonce);
    this.outcomes.set(nonce, outcome);
    for (const w of this.waiters.get(nonce) ?? []) w(outcome);
    this.waiters.delete(nonce);
  }

  /**
   * A SotW client answers only the latest response of a type: an older one is superseded, and whoever
   * waits for it waits for the newer one's outcome instead.
   */
  protected supersede(oldNonce: string, newNonce: string): void {
    if (!this.unsettled.delete(oldNonce)) return;
    const moved = this.waiters.get(oldNonce) ?? [];
    this.waiters.delete(oldNonce);
    if (moved.length) this.waiters.set(newNonce, [...(this.waiters.get(newNonce) ?? []), ...moved]);
  }

  /** Resolves when the response with this nonce was ACKed or NACKed, or the stream closed. */
  outcome(nonce: string): Promise<Outcome> {
    const done = this.outcomes.get(nonce);
    if (done) return Promise.resolve(done);
    return new Promise((resolve) => this.waiters.set(nonce, [...(this.waiters.get(nonce) ?? []), resolve]));
  }

  closed(): void {
    for (const [nonce, ws] of this.waiters) {
      this.outcomes.set(nonce, { kind: "closed" });
      for (const w of ws) w({ kind: "closed" });
    }
    this.waiters.clear();
    this.unsettled.clear();
  }

  protected base(): StreamInfo & { at: number; nodeId: string } {
    return { ...this.info, at: Date.now(), nodeId: this.nodeId };
  }
}
