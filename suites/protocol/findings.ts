// Where go-control-plane (as the peer in adapters/go-control-plane runs it: v0.14.0, snapshot cache in
// ADS mode on the ADS variants and without it on the per-type ones, snapshots checked with Consistent()) departs from the xDS protocol, as the control-plane
// checks observe it. README.md "Findings on go-control-plane" quotes the rules and the transcripts.
// checks.test.ts holds this list to the truth both ways: a listed check must still fail with this
// evidence, and an unlisted one must pass — so a fix upstream (or a broken check) shows up at once.
import { divergenceLookup, type Divergence } from "./support/divergences.ts";

/** `variants`: the variantName()s where the check fails on go-control-plane. */
export type KnownDivergence = Divergence<"variants">;

const SOTW = ["sotw-ads", "sotw-per-type"] as const;
/** ADS mode of the snapshot cache: the peer runs it on the ADS variants only (--ads-cache=false per-type). */
const SOTW_ADS = ["sotw-ads"] as const;
const DELTA = ["delta-ads", "delta-per-type"] as const;

/**
 * The ADS-mode snapshot cache (cache/v3/simple.go respond(): superset(request names, snapshot)) answers
 * a SotW request that names resources only if it names every resource of that type in the snapshot;
 * otherwise it logs `ADS mode: not responding to request ... "b" not listed` and never answers.
 */
const PARTIAL_NAMES =
  'R23: a SotW request naming a subset of the type\'s resources is never answered ("ADS mode: not responding ... not listed")';

export const GO_CONTROL_PLANE_DIVERGENCES: readonly KnownDivergence[] = [
  {
    check: "protocol.cp-answers-initial-request",
    variants: SOTW_ADS,
    rule: "R23",
    reason: `${PARTIAL_NAMES}: EDS [a] with clusters a,b existing`,
    evidence: /no EDS response within/,
  },
  {
    check: "protocol.cp-named-subscription-exact",
    variants: SOTW_ADS,
    rule: "R23",
    reason: `${PARTIAL_NAMES}: EDS [a,missing] with a,b,c existing`,
    evidence: /no EDS response within/,
  },
  {
    check: "protocol.cp-ignores-stale-nonce",
    variants: SOTW_ADS,
    rule: "R23",
    reason: `${PARTIAL_NAMES}: the first EDS [a] is never answered, so R45 itself cannot be reached`,
    evidence: /no EDS response within/,
  },
  {
    check: "protocol.cp-sotw-reconnect-new-names",
    variants: SOTW_ADS,
    rule: "R23",
    reason: `${PARTIAL_NAMES}: the first EDS [a] is never answered, so R14 itself cannot be reached`,
    evidence: /no EDS response within/,
  },
  {
    check: "protocol.cp-unsubscribe-stops-updates",
    variants: SOTW_ADS,
    rule: "R23",
    reason: `${PARTIAL_NAMES}: after unsubscribing "b", changes to the still-subscribed "a" are never sent`,
    evidence: /"a" \(still subscribed\) changed in v2 and was not sent/,
  },
  {
    check: "protocol.cp-sotw-complete-lds-cds",
    variants: SOTW_ADS,
    rule: "R27",
    reason:
      'an explicit "*" in a SotW CDS request is taken as a resource name, not the wildcard: never answered (ADS mode: "a" not listed), so R34 cannot be reached',
    evidence: /no CDS response within/,
  },
  {
    check: "protocol.cp-sotw-complete-lds-cds",
    variants: ["sotw-per-type"],
    rule: "R27",
    reason:
      'an explicit "*" in a SotW CDS request is taken as a resource name: without ADS mode createResponse() filters the snapshot to names equal to "*", so the response is empty and a SotW client deletes every cluster',
    evidence: /missing \[a,b,c\] — a SotW client deletes them/,
  },
  {
    check: "protocol.cp-no-resend-after-nack",
    variants: SOTW,
    rule: "R21",
    reason:
      "a NACK (version_info = last accepted v1, error_detail set) is answered at once with the rejected v2 again: the cache compares versions and ignores error_detail",
    evidence: /NACK of version "v2" \(nonce \d+\) answered by version "v2"/,
  },
  {
    check: "protocol.cp-delta-resubscribe-resends",
    variants: DELTA,
    rule: "R60",
    reason:
      'delta: re-subscribing "a" (already sent at v1) is not answered; discovery.proto says the server must send every name in resource_names_subscribe',
    evidence: /no EDS response within/,
  },
  {
    check: "protocol.cp-sotw-empty-names-no-interest",
    variants: SOTW,
    rule: "R26",
    reason:
      "an empty resource_names is always 'every resource' in the SotW snapshot cache (cache/v3/simple.go createResponse() filters only when the request names something), even after explicit names: EDS [a,b] then [] keeps receiving a and b",
    evidence: /changed after the list became empty and were sent/,
  },
  {
    check: "protocol.cp-legacy-wildcard-ends",
    variants: SOTW,
    rule: "R29",
    reason:
      "the legacy wildcard never ends in SotW: after CDS [] then [a] then [], the next snapshot sends every cluster (createResponse() answers an empty list with everything; the stream's Subscription knows the wildcard ended, the cache does not consult it)",
    evidence: /the cleared list was taken as the wildcard/,
  },
  {
    check: "protocol.cp-sotw-wildcard-plus-name",
    variants: SOTW_ADS,
    rule: "R27",
    reason:
      'an explicit "*" (here ["*","a"]) is taken as a resource name: ADS mode answers only a superset of the snapshot\'s names ("b" not listed), so R30 itself cannot be reached',
    evidence: /"b" changed under \["\*","a"\] and was not sent/,
  },
  {
    check: "protocol.cp-sotw-wildcard-plus-name",
    variants: ["sotw-per-type"],
    rule: "R27",
    reason:
      'an explicit "*" (here ["*","a"]) is taken as a resource name: without ADS mode createResponse() filters to the names listed, so only "a" is sent and "b" is missing',
    evidence: /"b" changed under \["\*","a"\]: expected it in the response, got \[a\]/,
  },
  {
    check: "protocol.cp-delta-missing-in-removed",
    variants: DELTA,
    rule: "R64",
    reason:
      "delta: a subscribed name that does not exist is never named in removed_resources (cache/v3/delta.go createDeltaResponse() removes only names it returned before), so the client waits for its own timeout",
    evidence: /"ghost" \(does not exist\) in removed_resources/,
  },
];

/**
 * Checks go-control-plane (as the peer runs it) cannot take part in: they must report `skipped` with
 * this reason, never pass. The library has TTLs (cache/types ResourceWithTTL, heartbeats with
 * NewSnapshotCacheWithHeartbeating), but the peer builds a plain NewSnapshotCache from adapter-API
 * snapshots, which carry no TTL, and does not declare the "ttl" feature.
 */
export const GO_CONTROL_PLANE_SKIPS: readonly { check: string; reason: RegExp }[] = [
  { check: "protocol.cp-ttl-heartbeats", reason: /does not declare TTL support/ },
  { check: "protocol.cp-sotw-ttl-wrap-gated", reason: /does not declare TTL support/ },
  { check: "protocol.cp-ttl-unset-resent", reason: /does not declare TTL support/ },
];

export const knownDivergence = divergenceLookup(GO_CONTROL_PLANE_DIVERGENCES, "variants");
