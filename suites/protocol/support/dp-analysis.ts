// Data-plane rules as functions of a transcript, so the same analysis judges a real data plane and the
// scripted doubles that break the rule on purpose (their twins). Each returns undefined or the reason.
import { formatEntry, type TranscriptEntry } from "../../../harness/tap/transcript.ts";
import { shortTypeName } from "../../../harness/proto/type-urls.ts";

const line = (e: TranscriptEntry, all: readonly TranscriptEntry[]) => formatEntry(e, all[0]?.at ?? 0);

/**
 * xds_protocol "ACK and NACK semantics summary": an ACK names the response it answers by nonce, and
 * (SotW) carries that response's version_info. A nonce that matches no response on the stream is a
 * protocol error too.
 */
export function ackCarriesVersionAndNonce(entries: readonly TranscriptEntry[]): string | undefined {
  const acks = entries.filter((e) => e.direction === "request" && e.nonce && !e.errorDetail);
  if (acks.length === 0) return "no ACK in the transcript: nothing was acknowledged";
  for (const a of acks) {
    const answered = entries.find(
      (r) => r.direction === "response" && r.stream === a.stream && r.nonce === a.nonce && r.seq < a.seq,
    );
    if (!answered)
      return `${shortTypeName(a.typeUrl)} request carries nonce "${a.nonce}" that no earlier response on stream ${a.stream} had: ${line(a, entries)}`;
    if (a.kind === "sotw" && a.versionInfo !== answered.versionInfo)
      return `${shortTypeName(a.typeUrl)} ACK of nonce "${a.nonce}" carries version_info "${a.versionInfo}", the response had "${answered.versionInfo}": ${line(a, entries)}`;
  }
  return undefined;
}

/** xds_protocol "Basic Protocol Overview": the first request on a stream carries the node identifier. */
export function nodeOnFirstRequest(entries: readonly TranscriptEntry[], nodeId: string): string | undefined {
  const firsts = new Map<number, TranscriptEntry>();
  for (const e of entries) if (e.direction === "request" && !firsts.has(e.stream)) firsts.set(e.stream, e);
  if (firsts.size === 0) return "no request in the transcript";
  for (const [stream, e] of firsts) {
    if (!e.node) return `first request on stream ${stream} carries no node: ${line(e, entries)}`;
    if (e.node.id !== nodeId)
      return `first request on stream ${stream} carries node id "${String(e.node.id)}", expected "${nodeId}"`;
  }
  const other = entries.find((e) => e.direction === "request" && e.node && e.node.id !== nodeId);
  if (other)
    return `a later request carries a different node id "${String(other.node!.id)}": ${line(other, entries)}`;
  return undefined;
}

/**
 * xds_protocol "NACK": a NACK carries error_detail, the nonce of the rejected response, and the
 * previous (last accepted) version — not the rejected one.
 */
export function nackKeepsPreviousVersion(
  entries: readonly TranscriptEntry[],
  rejected: string,
  rejectedType: string,
): string | undefined {
  const nacks = entries.filter((e) => e.direction === "request" && e.errorDetail);
  // Only the type that carries the invalid resource: a CP that versions the whole snapshot (as
  // go-control-plane does) also sends the unchanged types at the rejected version, and those are ACKed.
  const rejectedResponse = entries.find(
    (e) => e.direction === "response" && e.versionInfo === rejected && e.typeUrl === rejectedType,
  );
  if (!rejectedResponse) return `no response of version "${rejected}" in the transcript`;
  const nack = nacks.find((n) => n.stream === rejectedResponse.stream && n.nonce === rejectedResponse.nonce);
  if (!nack)
    return `version "${rejected}" (nonce ${rejectedResponse.nonce}) was not NACKed with error_detail`;
  if (!nack.errorDetail?.message) return `NACK of "${rejected}" has an empty error_detail message`;
  if (nack.kind === "sotw" && nack.versionInfo === rejected)
    return `NACK of "${rejected}" carries the rejected version as version_info: ${line(nack, entries)}`;
  if (nack.kind === "sotw") {
    const accepted = entries.filter(
      (e) =>
        e.direction === "request" &&
        e.stream === nack.stream &&
        e.typeUrl === nack.typeUrl &&
        e.nonce &&
        !e.errorDetail &&
        e.seq < nack.seq,
    );
    const previous = accepted.at(-1)?.versionInfo ?? "";
    if (nack.versionInfo !== previous)
      return `NACK of "${rejected}" carries version_info "${nack.versionInfo}", the last accepted was "${previous}"`;
  }
  return undefined;
}
