// Data-plane rules about what the data plane keeps: judged from the transcript plus the data plane's own
// account of its applied configuration (`Applied`: type URL → resource names; Envoy's from its admin
// config_dump, support/envoy-applied.ts; a scripted double's from its own bookkeeping). Each returns
// undefined or the reason the rule is broken, and fails when the transcript did not exercise the rule.
import { formatEntry, type TranscriptEntry } from "../../../harness/tap/transcript.ts";
import { shortTypeName } from "../../../harness/proto/type-urls.ts";

type E = TranscriptEntry;
export type Applied = Map<string, Set<string>>;

const line = (e: E, all: readonly E[]) => formatEntry(e, all[0]?.at ?? 0);
const isReq = (e: E) => e.direction === "request";
const isRes = (e: E) => e.direction === "response";
const namesOf = (e: E) => (e.resources ?? []).map((r) => r.name);
const list = (s: Iterable<string>) => `[${[...s].join(",")}]`;

/** Responses of a type the data plane ACKed, in order. */
function ackedResponses(entries: readonly E[], typeUrl: string): E[] {
  const acked = new Set(
    entries.filter((e) => e.classification === "ack" && e.answers).map((e) => e.answers!.seq),
  );
  return entries.filter((e) => isRes(e) && e.typeUrl === typeUrl && acked.has(e.seq));
}

/**
 * R24 (xds_protocol#how-the-client-specifies-what-resources-to-return): "The client will silently
 * ignore any supplied resources that were not explicitly requested".
 */
export function ignoresUnrequested(
  entries: readonly E[],
  applied: Applied,
  typeUrl: string,
): string | undefined {
  const requested = new Set(
    entries.filter((e) => isReq(e) && e.typeUrl === typeUrl).flatMap((e) => e.resourceNames ?? []),
  );
  if (requested.has("*"))
    return `${shortTypeName(typeUrl)} was subscribed by wildcard: every resource is requested`;
  const delivered = new Set(entries.filter((e) => isRes(e) && e.typeUrl === typeUrl).flatMap(namesOf));
  const unrequested = [...delivered].filter((n) => !requested.has(n));
  if (unrequested.length === 0)
    return `no unrequested ${shortTypeName(typeUrl)} resource was delivered: the rule was not exercised`;
  const kept = unrequested.filter((n) => applied.get(typeUrl)?.has(n));
  if (kept.length > 0)
    return `${shortTypeName(typeUrl)} ${list(kept)} never requested (requested ${list(requested)}) and applied: ${list(applied.get(typeUrl) ?? [])}`;
  return undefined;
}

/**
 * R33 (xds_protocol#grouping-resources-into-responses): a delta response that leaves resources out
 * does not delete them: "the client must not delete the unchanged resources".
 */
export function deltaKeepsUnchanged(entries: readonly E[], applied: Applied): string | undefined {
  let partial = 0;
  for (const typeUrl of applied.keys()) {
    const held = new Set<string>();
    for (const r of ackedResponses(entries, typeUrl)) {
      if (r.kind !== "delta") continue;
      const names = namesOf(r);
      if (held.size > 0 && [...held].some((n) => !names.includes(n) && !(r.removed ?? []).includes(n)))
        partial++;
      for (const n of names) held.add(n);
      for (const n of r.removed ?? []) held.delete(n);
    }
    const lost = [...held].filter((n) => !applied.get(typeUrl)!.has(n));
    if (lost.length > 0)
      return `${shortTypeName(typeUrl)} ${list(lost)} were never removed and are gone after a partial delta push (applied: ${list(applied.get(typeUrl)!)})`;
  }
  return partial === 0
    ? "no delta response left an unchanged resource out: the rule was not exercised"
    : undefined;
}

/**
 * R38 (xds_protocol#deleting-resources): SotW Listener and Cluster responses carry the complete state;
 * a resource absent from the latest one "has been removed, and the client must delete it".
 */
export function sotwAbsenceDeletes(entries: readonly E[], applied: Applied): string | undefined {
  let absences = 0;
  for (const [typeUrl, names] of applied) {
    const responses = ackedResponses(entries, typeUrl).filter((r) => r.kind === "sotw");
    const last = responses.at(-1);
    if (!last) return `no ACKed SotW ${shortTypeName(typeUrl)} response in the transcript`;
    const now = new Set(namesOf(last));
    const before = new Set(responses.flatMap(namesOf));
    const gone = [...before].filter((n) => !now.has(n));
    absences += gone.length;
    const kept = gone.filter((n) => names.has(n));
    if (kept.length > 0)
      return `${shortTypeName(typeUrl)} ${list(kept)} absent from the latest SotW response (${line(last, entries)}) and still applied`;
  }
  return absences === 0
    ? "no resource left a SotW Listener/Cluster response: the rule was not exercised"
    : undefined;
}

/**
 * R39 (xds_protocol#deleting-resources): for the other SotW types, absence from a response is not
 * deletion ("an empty DiscoveryResponse is effectively a no-op"): a resource still subscribed to and
 * left out of a later response stays applied.
 */
export function sotwAbsenceKeeps(entries: readonly E[], applied: Applied): string | undefined {
  let absences = 0;
  for (const [typeUrl, names] of applied) {
    const responses = ackedResponses(entries, typeUrl).filter((r) => r.kind === "sotw");
    const lastReq = entries.filter((e) => isReq(e) && e.typeUrl === typeUrl).at(-1);
    const subscribed = new Set(lastReq?.resourceNames ?? []);
    const seen = new Set<string>();
    const omitted = new Set<string>();
    for (const r of responses) {
      const now = new Set(namesOf(r));
      for (const n of seen) if (!now.has(n) && subscribed.has(n)) omitted.add(n);
      for (const n of now) {
        seen.add(n);
        omitted.delete(n);
      }
    }
    absences += omitted.size;
    const lost = [...omitted].filter((n) => !names.has(n));
    if (lost.length > 0)
      return `${shortTypeName(typeUrl)} ${list(lost)} still subscribed, left out of a later SotW response and no longer applied (applied: ${list(names)})`;
  }
  return absences === 0
    ? "no subscribed resource was left out of a SotW EDS/RDS response: the rule was not exercised"
    : undefined;
}

/**
 * R40 (xds_protocol#knowing-when-a-requested-resource-does-not-exist): a data plane waits for a
 * requested resource that never comes only up to a timeout, then proceeds. `readyAt` is when it was seen
 * to proceed (Envoy: LIVE), undefined if it never did within the observation window.
 */
export function proceedsWithoutResource(
  entries: readonly E[],
  typeUrl: string,
  name: string,
  readyAt: number | undefined,
  windowMs: number,
): string | undefined {
  const asked = entries.find(
    (e) => isReq(e) && e.typeUrl === typeUrl && (e.resourceNames ?? []).includes(name),
  );
  if (!asked) return `${shortTypeName(typeUrl)} "${name}" was never requested: the rule was not exercised`;
  const sent = entries.find((e) => isRes(e) && e.typeUrl === typeUrl && namesOf(e).includes(name));
  if (sent) return `${shortTypeName(typeUrl)} "${name}" was sent after all: ${line(sent, entries)}`;
  // Delta servers may say so explicitly (removed_resources); then no timeout was needed.
  const reported = entries.find((e) => isRes(e) && e.typeUrl === typeUrl && !!e.removed?.includes(name));
  if (reported)
    return `the control plane reported "${name}" missing (removed_resources), so the timeout was not exercised: ${line(reported, entries)}`;
  if (readyAt === undefined)
    return `requested ${shortTypeName(typeUrl)} "${name}" never came and the data plane did not proceed within ${windowMs}ms`;
  return undefined;
}

/** One look at the data plane: which referencing resources are active and which still warm. */
export interface WarmingObservation {
  at: number;
  active: Set<string>;
  warming: Set<string>;
}

/**
 * R47 (xds_protocol#resource-warming): a cluster (listener) completes warming only once the
 * ClusterLoadAssignment (RouteConfiguration) it needs arrived. `needs` maps each referencing resource
 * to the dependent type and name; the observations are in time order.
 */
export function warmingWaitsForDependents(
  entries: readonly E[],
  observations: readonly WarmingObservation[],
  needs: Record<string, { typeUrl: string; name: string }>,
): string | undefined {
  // Delta: a removed_resources entry for the name is the server's answer too ("does not exist").
  const arrivedAt = (d: { typeUrl: string; name: string }) =>
    entries.find(
      (e) =>
        isRes(e) && e.typeUrl === d.typeUrl && (namesOf(e).includes(d.name) || !!e.removed?.includes(d.name)),
    )?.at;
  const sawWarming = new Set<string>();
  for (const o of observations) {
    for (const [name, dep] of Object.entries(needs)) {
      const at = arrivedAt(dep);
      if (o.warming.has(name) && (at === undefined || at > o.at)) sawWarming.add(name);
      if (o.active.has(name) && (at === undefined || at > o.at))
        return `"${name}" was active before its ${shortTypeName(dep.typeUrl)} "${dep.name}" arrived (${at === undefined ? "never sent" : `sent ${(at - o.at).toFixed(0)}ms later`})`;
    }
  }
  const last = observations.at(-1);
  for (const name of Object.keys(needs)) {
    if (!sawWarming.has(name)) return `"${name}" was never seen warming: the rule was not exercised`;
    if (!last?.active.has(name)) return `"${name}" did not finish warming after its dependency arrived`;
  }
  return undefined;
}
