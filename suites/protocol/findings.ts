// Where go-control-plane (as the peer in adapters/go-control-plane runs it: v0.14.0, snapshot cache in
// ADS mode, snapshots checked with Consistent()) departs from the xDS protocol, as the control-plane
// checks observe it. README.md "Findings on go-control-plane" quotes the rules and the transcripts.
// checks.test.ts holds this list to the truth both ways: a listed check must still fail with this
// evidence, and an unlisted one must pass — so a fix upstream (or a broken check) shows up at once.

export interface KnownDivergence {
  check: string;
  /** variantName()s where the check fails on go-control-plane. */
  variants: readonly string[];
  /** RULES.md id of the rule go-control-plane breaks (the check's own rule, or one its script needs). */
  rule: string;
  reason: string;
  /** What the failing verdict's reason says. */
  evidence: RegExp;
}

const SOTW = ["sotw-ads", "sotw-per-type"] as const;
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
    variants: SOTW,
    rule: "R23",
    reason: `${PARTIAL_NAMES}: EDS [a] with clusters a,b existing`,
    evidence: /no EDS response within/,
  },
  {
    check: "protocol.cp-named-subscription-exact",
    variants: SOTW,
    rule: "R23",
    reason: `${PARTIAL_NAMES}: EDS [a,missing] with a,b,c existing`,
    evidence: /no EDS response within/,
  },
  {
    check: "protocol.cp-ignores-stale-nonce",
    variants: SOTW,
    rule: "R23",
    reason: `${PARTIAL_NAMES}: the first EDS [a] is never answered, so R45 itself cannot be reached`,
    evidence: /no EDS response within/,
  },
  {
    check: "protocol.cp-sotw-reconnect-new-names",
    variants: SOTW,
    rule: "R23",
    reason: `${PARTIAL_NAMES}: the first EDS [a] is never answered, so R14 itself cannot be reached`,
    evidence: /no EDS response within/,
  },
  {
    check: "protocol.cp-unsubscribe-stops-updates",
    variants: SOTW,
    rule: "R23",
    reason: `${PARTIAL_NAMES}: after unsubscribing "b", changes to the still-subscribed "a" are never sent`,
    evidence: /"a" \(still subscribed\) changed in v2 and was not sent/,
  },
  {
    check: "protocol.cp-sotw-complete-lds-cds",
    variants: SOTW,
    rule: "R27",
    reason:
      'an explicit "*" in a SotW CDS request is taken as a resource name, not the wildcard: never answered (ADS mode: "a" not listed), so R34 cannot be reached',
    evidence: /no CDS response within/,
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
];

export function knownDivergence(check: string, variant: string): KnownDivergence | undefined {
  return GO_CONTROL_PLANE_DIVERGENCES.find((d) => d.check === check && d.variants.includes(variant));
}
