// Classifies data-plane requests as the xds_protocol doc defines them ("ACK and NACK semantics"):
// - SotW: a request whose response_nonce is the latest response's nonce for its type is an ACK when it
//   carries no error_detail (and, by the rule, the version of that response), a NACK when it carries
//   error_detail; an older nonce is stale; no nonce is the type's initial request.
// - Delta: every response is answered by its own nonce; with error_detail it is a NACK, without an ACK;
//   a request without nonce is the initial request or a subscription change.
import type { RequestClass, TranscriptEntry } from "./transcript.ts";

interface Sent {
  nonce: string;
  version: string;
  seq: number;
}

export class Classifier {
  /** `${stream}|${typeUrl}` → latest SotW response; for delta, every unanswered response by nonce. */
  private readonly latest = new Map<string, Sent>();
  private readonly deltaSent = new Map<string, Sent>();
  private readonly seenType = new Set<string>();

  /** Feed every entry in order; requests come back classified. */
  observe(e: TranscriptEntry): TranscriptEntry {
    const key = `${e.stream}|${e.typeUrl}`;
    if (e.direction === "response") {
      const sent = { nonce: e.nonce ?? "", version: e.versionInfo ?? "", seq: e.seq };
      if (e.kind === "delta") this.deltaSent.set(`${e.stream}|${sent.nonce}`, sent);
      else this.latest.set(key, sent);
      return e;
    }
    if (e.direction !== "request") return e;
    const first = !this.seenType.has(key);
    this.seenType.add(key);
    let classification: RequestClass;
    let answers: Sent | undefined;
    if (!e.nonce) classification = first ? "initial" : "subscription";
    else if (e.kind === "delta") {
      answers = this.deltaSent.get(`${e.stream}|${e.nonce}`);
      classification = !answers ? "stale" : e.errorDetail ? "nack" : "ack";
    } else {
      const last = this.latest.get(key);
      if (!last || last.nonce !== e.nonce) classification = "stale";
      else {
        answers = last;
        classification = e.errorDetail ? "nack" : "ack";
      }
    }
    return { ...e, classification, ...(answers ? { answers } : {}) };
  }
}

export function classifyAll(entries: TranscriptEntry[]): TranscriptEntry[] {
  const c = new Classifier();
  return entries.map((e) => c.observe(e));
}
