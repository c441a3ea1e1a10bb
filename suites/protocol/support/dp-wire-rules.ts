// Data-plane rules judged from the wire alone (the tap's transcript), for any data plane kind: each
// function returns undefined or the reason the rule is broken. Shared by the real data plane's run and
// the scripted doubles that break the rule on purpose (support/dp-doubles.ts).
import { formatEntry, type TranscriptEntry } from "../../../harness/tap/transcript.ts";
import { CLUSTER_TYPE_URL, LISTENER_TYPE_URL, shortTypeName } from "../../../harness/proto/type-urls.ts";
import { ADS_SERVICE } from "../../../harness/proto/services.ts";

type E = TranscriptEntry;
const line = (e: E, all: readonly E[]) => formatEntry(e, all[0]?.at ?? 0);
const isReq = (e: E) => e.direction === "request";
const isRes = (e: E) => e.direction === "response";

/**
 * R03/R17 (xds_protocol#ack-and-nack-semantics-summary): every response is ACKed or NACKed by its
 * nonce. SotW: a response superseded by a newer one of its type on the same stream before it was
 * answered may be answered by the newer one's ACK only (Envoy coalesces), so the latest of each type
 * must be. Delta: each response is answered by its own nonce. Streams that ended are not judged after
 * their last answer (nothing is owed on a closed stream).
 */
export function everyResponseAnswered(entries: readonly E[]): string | undefined {
  const responses = entries.filter(isRes);
  if (responses.length === 0) return "no response in the transcript: nothing to answer";
  for (const r of responses) {
    const closed = entries.some((e) => e.direction === "close" && e.stream === r.stream && e.seq > r.seq);
    if (closed) continue;
    const answered = entries.some(
      (e) => isReq(e) && e.stream === r.stream && e.nonce === r.nonce && e.seq > r.seq,
    );
    if (answered) continue;
    const superseded =
      r.kind === "sotw" &&
      entries.some((e) => isRes(e) && e.stream === r.stream && e.typeUrl === r.typeUrl && e.seq > r.seq);
    if (!superseded)
      return `${shortTypeName(r.typeUrl)} response nonce=${r.nonce} was neither ACKed nor NACKed: ${line(r, entries)}`;
  }
  return undefined;
}

/** The first request of each type on each stream. */
function firstRequests(entries: readonly E[]): E[] {
  const seen = new Set<string>();
  return entries.filter((e) => {
    if (!isReq(e)) return false;
    const k = `${e.stream}|${e.typeUrl}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Which subscription a request continues across streams. Over ADS a type has one; per-type, Envoy
 * opens a stream per EDS/RDS config source (one resource each), so a new stream continues the earlier
 * one whose first request named the same resources.
 */
function lineages(entries: readonly E[]): { firsts: Set<number>; keyOf: (e: E) => string } {
  const firsts = firstRequests(entries);
  const byStream = new Map<string, string>();
  for (const e of firsts) {
    const ads = e.method.includes("Aggregated");
    const names = [...(e.resourceNames ?? [])].sort().join(",");
    byStream.set(`${e.stream}|${e.typeUrl}`, ads ? e.typeUrl : `${e.typeUrl}|${names}`);
  }
  return {
    firsts: new Set(firsts.map((e) => e.seq)),
    keyOf: (e) => byStream.get(`${e.stream}|${e.typeUrl}`) ?? e.typeUrl,
  };
}

/**
 * R13 (xds_protocol#ack-nack-and-resource-type-instance-version): on a new SotW stream, the first
 * request of a type carries the version last accepted for it on an earlier stream. Needs a reconnect.
 */
export function sotwReconnectCarriesVersion(entries: readonly E[]): string | undefined {
  const { firsts, keyOf } = lineages(entries);
  const accepted = new Map<string, string>();
  let judged = 0;
  for (const e of entries) {
    if (!isReq(e) || e.kind !== "sotw") continue;
    const want = accepted.get(keyOf(e));
    if (firsts.has(e.seq) && want !== undefined) {
      judged++;
      if (e.versionInfo !== want)
        return `first ${shortTypeName(e.typeUrl)} request on new stream ${e.stream} carries version_info "${e.versionInfo ?? ""}", the last accepted was "${want}": ${line(e, entries)}`;
    }
    if (e.classification === "ack") accepted.set(keyOf(e), e.versionInfo ?? "");
  }
  return judged === 0 ? "no reconnect after an ACK: the rule was not exercised" : undefined;
}

/** A delta subscription of one type: wildcard (explicit "*" or legacy empty), names, held resources. */
interface DeltaSub {
  wildcard: boolean;
  names: Set<string>;
  /** Resources held (ACKed and not removed): name → version. */
  held: Map<string, string>;
}

/** Why a reconnecting delta request does not restate `prev`, or undefined. */
function restates(prev: DeltaSub, e: E, all: readonly E[]): string | undefined {
  const type = shortTypeName(e.typeUrl);
  const subscribe = e.resourceNames ?? [];
  const initial = e.initialResourceVersions ?? {};
  if (prev.wildcard && !(subscribe.includes("*") || subscribe.length === 0))
    return `reconnect: ${type} was a wildcard subscription, the new stream's first request names [${subscribe.join(",")}]: ${line(e, all)}`;
  const missing = [...prev.names].filter((n) => !subscribe.includes(n));
  if (missing.length > 0)
    return `reconnect: ${type} names [${missing.join(",")}] were subscribed and are missing from the new stream's first request: ${line(e, all)}`;
  for (const [name, version] of prev.held)
    if (initial[name] !== version)
      return `reconnect: ${type} "${name}" is held at version "${version}", initial_resource_versions has ${
        initial[name] === undefined ? "no entry" : `"${initial[name]}"`
      }: ${line(e, all)}`;
  return undefined;
}

/**
 * R58 (xds_protocol#incremental-xds): a reconnecting delta client states every name it is interested in
 * and (discovery.proto initial_resource_versions) the versions of the resources it holds. R59: it does
 * not populate initial_resource_versions on its very first stream, nor after the first message of a
 * type on a stream. Needs a reconnect.
 */
export function deltaReconnectRestatesState(entries: readonly E[]): string | undefined {
  const { firsts, keyOf } = lineages(entries);
  const subs = new Map<string, DeltaSub>();
  const bySeq = new Map(entries.map((e) => [e.seq, e]));
  let judged = 0;
  for (const e of entries) {
    if (!isReq(e) || e.kind !== "delta") continue;
    const prev = subs.get(keyOf(e));
    const first = firsts.has(e.seq);
    if (Object.keys(e.initialResourceVersions ?? {}).length > 0 && (!first || !prev))
      return `${shortTypeName(e.typeUrl)} request populates initial_resource_versions ${
        first ? "on the very first stream" : "after the first message of its type on the stream"
      }: ${line(e, entries)}`;
    if (first && prev) {
      judged++;
      const reason = restates(prev, e, entries);
      if (reason) return reason;
    }
    // A reconnect starts the stream's names afresh and keeps what is held.
    const s: DeltaSub =
      first && prev
        ? { wildcard: prev.wildcard, names: new Set(), held: prev.held }
        : (prev ?? {
            wildcard: first && (e.resourceNames ?? []).length === 0,
            names: new Set(),
            held: new Map(),
          });
    for (const n of e.resourceNames ?? [])
      if (n === "*") s.wildcard = true;
      else s.names.add(n);
    for (const n of e.unsubscribe ?? [])
      if (n === "*") s.wildcard = false;
      else s.names.delete(n);
    if (e.classification === "ack" && e.answers) {
      const r = bySeq.get(e.answers.seq);
      for (const res of r?.resources ?? []) s.held.set(res.name, res.version ?? "");
      for (const n of r?.removed ?? []) s.held.delete(n);
    }
    subs.set(keyOf(e), s);
  }
  return judged === 0 ? "no delta reconnect: the rule was not exercised" : undefined;
}

/**
 * R32 (xds_protocol#client-behavior): Envoy always subscribes to Listener and Cluster by wildcard: SotW
 * an empty resource_names (legacy) or "*"; delta "*" or an empty first subscription, and later requests
 * neither name resources nor unsubscribe the wildcard.
 */
export function wildcardLdsCds(entries: readonly E[]): string | undefined {
  const requests = entries.filter(
    (e) => isReq(e) && (e.typeUrl === CLUSTER_TYPE_URL || e.typeUrl === LISTENER_TYPE_URL),
  );
  if (requests.length === 0) return "no Listener or Cluster request in the transcript";
  const firsts = new Set(firstRequests(entries).map((e) => e.seq));
  for (const e of requests) {
    const names = e.resourceNames ?? [];
    const unsubscribe = e.unsubscribe ?? [];
    const wildcard =
      e.kind === "sotw" || firsts.has(e.seq)
        ? names.length === 0 || names.includes("*")
        : names.every((n) => n === "*") && !unsubscribe.includes("*");
    if (!wildcard)
      return `${shortTypeName(e.typeUrl)} request subscribes [${names.join(",")}]${
        unsubscribe.length > 0 ? ` and unsubscribes [${unsubscribe.join(",")}]` : ""
      }, not the wildcard: ${line(e, entries)}`;
  }
  return undefined;
}

/** R36 (xds_protocol#duplicate-resource-names): a response naming a resource twice is NACKed. */
export function duplicatesNacked(entries: readonly E[]): string | undefined {
  let judged = 0;
  for (const r of entries.filter(isRes)) {
    const names = (r.resources ?? []).map((x) => x.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup === undefined) continue;
    const answer = entries.find(
      (e) => isReq(e) && e.stream === r.stream && e.nonce === r.nonce && e.seq > r.seq,
    );
    if (!answer) continue;
    judged++;
    if (!answer.errorDetail)
      return `${shortTypeName(r.typeUrl)} response naming "${dup}" twice was ACKed: ${line(answer, entries)}`;
  }
  return judged === 0 ? "no answered response with a duplicate name: the rule was not exercised" : undefined;
}

/**
 * R52 (xds_protocol#aggregated-discovery-service): one ADS stream per data plane at a time, and every
 * type on it (no per-type stream beside it).
 */
export function singleAdsStream(entries: readonly E[]): string | undefined {
  const open = new Set<number>();
  let ads = 0;
  for (const e of entries) {
    if (e.direction === "close") open.delete(e.stream);
    if (e.direction !== "open") continue;
    if (!e.method.startsWith(`/${ADS_SERVICE}/`))
      return `a non-ADS stream opened beside ADS: ${e.method} (stream ${e.stream})`;
    ads++;
    if (open.size > 0)
      return `ADS stream ${e.stream} opened while stream(s) ${[...open].join(",")} were still open: ${line(e, entries)}`;
    open.add(e.stream);
  }
  return ads === 0 ? "no ADS stream in the transcript" : undefined;
}

/**
 * R55 (discovery.proto DeltaDiscoveryRequest.response_nonce): a delta request that answers no new
 * response (a spontaneous subscription change) omits response_nonce; a nonce answers one response once.
 */
export function deltaSpontaneousWithoutNonce(entries: readonly E[]): string | undefined {
  const answered = new Set<string>();
  let spontaneous = 0;
  for (const e of entries) {
    if (!isReq(e) || e.kind !== "delta") continue;
    if (!e.nonce) {
      // A subscription change, or a new stream's first request (per-type: one stream per EDS resource).
      if (e.classification === "subscription" || e.classification === "initial") spontaneous++;
      continue;
    }
    const k = `${e.stream}|${e.nonce}`;
    if (answered.has(k) || e.classification === "stale")
      return `${shortTypeName(e.typeUrl)} request carries response_nonce "${e.nonce}" that answers no new response: ${line(e, entries)}`;
    answered.add(k);
  }
  return spontaneous === 0
    ? "no spontaneous delta request in the transcript: the rule was not exercised"
    : undefined;
}

/**
 * R90/R91: a data plane's subscription to a dependent type follows the references to it: `name`, which a
 * cluster (listener) added later references, is subscribed to by name, and once the referencing
 * resource was removed it is unsubscribed (absent from the last request's state on its stream).
 */
export function subscriptionFollows(
  entries: readonly E[],
  typeUrl: string,
  name: string,
): string | undefined {
  const reqs = entries.filter((e) => isReq(e) && e.typeUrl === typeUrl);
  if (reqs.length === 0) return `no ${shortTypeName(typeUrl)} request in the transcript`;
  // What each open stream subscribes to (SotW: the latest full list; delta: the changes). A stream
  // that ended subscribes to nothing (per-type: Envoy closes a resource's stream to unsubscribe).
  const state = new Map<number, Set<string>>();
  let subscribed = false;
  for (const e of entries) {
    if (e.direction === "close") state.delete(e.stream);
    if (!isReq(e) || e.typeUrl !== typeUrl) continue;
    const s = e.kind === "sotw" ? new Set<string>() : (state.get(e.stream) ?? new Set<string>());
    for (const n of e.resourceNames ?? []) s.add(n);
    for (const n of e.unsubscribe ?? []) s.delete(n);
    state.set(e.stream, s);
    if (s.has("*") || (e.kind === "sotw" && s.size === 0 && e.classification === "initial"))
      return `${shortTypeName(typeUrl)} subscribed by wildcard, names do not follow references: ${line(e, entries)}`;
    if (s.has(name)) subscribed = true;
  }
  if (!subscribed) return `"${name}" was referenced and never subscribed to by name`;
  const still = [...state].filter(([, s]) => s.has(name)).map(([stream]) => stream);
  if (still.length > 0)
    return `"${name}" is no longer referenced and still subscribed on stream ${still.join(",")} (last ${shortTypeName(typeUrl)} request: ${line(reqs.at(-1)!, entries)})`;
  return undefined;
}
