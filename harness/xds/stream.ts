// What SotW and delta streams share: node identity, per-type watches, nonces and the outcome (ACK/NACK)
// of every response, which the server awaits when an ordering policy says "wait for the ACK".
import type { Node, Status } from "../proto/discovery.ts";
import type { Fault, FaultContext, FaultSwitches } from "./faults.ts";
import type { RequestEvent, ResponseEvent, StreamInfo } from "./events.ts";
import type { Entry, State } from "./snapshot.ts";
import { ALL_RESOURCE_TYPES } from "../proto/type-urls.ts";

export interface Outcome {
  kind: "acked" | "nacked" | "closed";
  errorDetail?: Status;
}

/** What a stream needs from the server that owns it. */
export interface StreamHost {
  stateFor(nodeId: string): State | undefined;
  /** Whether a snapshot being applied to the node (staged by an ordering policy) will serve this resource. */
  staged(nodeId: string, typeUrl: string, name: string): boolean;
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

/** What a response event says beyond the stream and the type. */
export type ResponseReport = Omit<ResponseEvent, keyof StreamInfo | "at" | "nodeId" | "typeUrl">;

/**
 * W: what a watch of a type holds; R: the response message it writes (SotW or delta; `never` when any
 * stream will do, as R only appears as a parameter).
 */
export abstract class XdsStream<W extends WatchBase = WatchBase, R = never> {
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
    private readonly write: (r: R) => void,
    protected readonly end: () => void,
  ) {}

  /** Serve the current state of `typeUrl` if this stream watches it; returns the nonce if it sent. */
  abstract push(typeUrl: string): string | undefined;
  watches(typeUrl: string): boolean {
    return this.watchesByType.has(typeUrl);
  }
  /** Whether push(typeUrl) would send something now. */
  abstract wouldSend(typeUrl: string): boolean;
  /** Refreshes the TTLs of what the client has of `typeUrl` (xds_protocol "TTL"); the nonce if it sent. */
  abstract heartbeat(typeUrl: string): string | undefined;
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

  /** Types whose latest response was NACKed and not since ACKed (for the nack-holds-stream fault). */
  protected readonly nackedTypes = new Set<string>();

  /** Records an ACK or NACK of a type's response. */
  protected settledType(typeUrl: string, nacked: boolean): void {
    if (nacked) this.nackedTypes.add(typeUrl);
    else this.nackedTypes.delete(typeUrl);
  }

  /** nack-holds-stream: another type's NACK holds every push of this one (each type is separate, R12). */
  protected heldByNack(typeUrl: string): boolean {
    return this.faulty("nackHoldsStream") && [...this.nackedTypes].some((t) => t !== typeUrl);
  }

  /**
   * Fault modes that end the stream on a request: no type_url (require-type-url, R66), or an ADS
   * request for a type the server does not serve (end-on-unknown-type, R73).
   */
  protected endsOn(requestType: string, typeUrl: string): boolean {
    if (!requestType && this.faulty("requireTypeUrl")) return true;
    const unknown = !(ALL_RESOURCE_TYPES as readonly string[]).includes(typeUrl);
    return this.info.fixedType === undefined && unknown && this.faulty("endOnUnknownType");
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

  /**
   * Writes a response and records it: its nonce awaits an answer and is the type's latest, and the
   * server emits the response event `report` describes.
   */
  protected send(typeUrl: string, resp: R, report: ResponseReport): void {
    this.sentNonce(report.nonce);
    this.lastNonce.set(typeUrl, report.nonce);
    this.sent++;
    this.write(resp);
    this.host.emitResponse({ ...this.base(), typeUrl, ...report });
  }

  /** Ends the stream after a response when a close-after-send fault mode says so. */
  protected closeIfFaulted(typeUrl: string): void {
    if (this.host.faults.some((f) => f.closeAfterSend?.(this.faultContext(typeUrl)))) this.end();
  }

  /** "type|name" → the TTL a resource was last sent with (for the sticky-ttl fault and heartbeats). */
  protected readonly sentTtl = new Map<string, number>();

  /**
   * The TTL a resource goes out with (xds_protocol "TTL"), fault modes included: none under drop-ttl;
   * under sticky-ttl, a removed TTL stays the one last sent. Undefined for none.
   */
  protected ttlOf(typeUrl: string, e: Entry): number | undefined {
    if (this.faulty("dropTtl")) return undefined;
    if (e.ttlMs !== undefined) return e.ttlMs;
    return this.faulty("stickyTtl") ? this.sentTtl.get(`${typeUrl}|${e.name}`) : undefined;
  }

  /** Records the TTL a resource was sent with (undefined: sent without one). */
  protected sentWithTtl(typeUrl: string, name: string, ttlMs: number | undefined): void {
    if (ttlMs === undefined) this.sentTtl.delete(`${typeUrl}|${name}`);
    else this.sentTtl.set(`${typeUrl}|${name}`, ttlMs);
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
