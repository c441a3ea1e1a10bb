// What SotW and delta streams share: node identity, per-type watches, nonces and the outcome (ACK/NACK)
// of every response, which the server awaits when an ordering policy says "wait for the ACK".
import type { Node, Status } from "../proto/discovery.ts";
import type { Fault, FaultContext } from "./faults.ts";
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

export abstract class XdsStream {
  nodeId = "";
  node?: Node;
  protected sent = 0;
  private readonly waiters = new Map<string, (o: Outcome) => void>();
  private readonly outcomes = new Map<string, Outcome>();
  protected readonly lastNonce = new Map<string, string>();
  protected readonly lastVersion = new Map<string, string>();

  constructor(
    protected readonly host: StreamHost,
    readonly info: StreamInfo,
  ) {}

  /** Serve the current state of `typeUrl` if this stream watches it; returns the nonce if it sent. */
  abstract push(typeUrl: string): string | undefined;
  abstract watches(typeUrl: string): boolean;

  protected learnNode(node: Node | undefined): void {
    if (this.node || !node) return;
    this.node = node;
    this.nodeId = node.id;
    this.host.onNodeKnown(this);
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

  protected settle(nonce: string, outcome: Outcome): void {
    this.outcomes.set(nonce, outcome);
    this.waiters.get(nonce)?.(outcome);
    this.waiters.delete(nonce);
  }

  /** Resolves when the response with this nonce was ACKed or NACKed, or the stream closed. */
  outcome(nonce: string): Promise<Outcome> {
    const done = this.outcomes.get(nonce);
    if (done) return Promise.resolve(done);
    return new Promise((resolve) => this.waiters.set(nonce, resolve));
  }

  closed(): void {
    for (const [nonce, w] of this.waiters) {
      this.outcomes.set(nonce, { kind: "closed" });
      w({ kind: "closed" });
    }
    this.waiters.clear();
  }

  protected base(): StreamInfo & { at: number; nodeId: string } {
    return { ...this.info, at: Date.now(), nodeId: this.nodeId };
  }
}
