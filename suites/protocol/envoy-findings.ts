// Where Envoy (the project's .venv build, 1.40.0) departs from the xDS protocol, as the data-plane checks
// observe it on reference × Envoy. checks.test.ts holds this list to the truth both ways: a listed check
// must still fail on those variants with this evidence, and an unlisted one must pass — so an Envoy fix
// (or a broken check) shows up at once. README.md "Findings on Envoy" quotes the evidence.
import { divergenceLookup, type Divergence } from "./support/divergences.ts";

/** `variants`: the variantName()s where the check fails on Envoy. */
export type EnvoyDivergence = Divergence<"variants">;

export const ENVOY_DIVERGENCES: readonly EnvoyDivergence[] = [
  {
    // source/extensions/config_subscription/grpc/grpc_mux_impl.cc onDiscoveryResponse(): heartbeat
    // resources (isHeartbeatResource: no body, version == the request's version_info) are left out of
    // the update, and the rest is processed as the state of the world — so for CDS/LDS the heartbeated
    // resource counts as absent and is deleted at once ("cds: ... 0 added/updated cluster(s), 2 removed").
    // Delta (delta_subscription_state.cc) refreshes the TTL instead, and passes.
    check: "protocol.dp-ttl-heartbeat-keeps",
    variants: ["sotw-ads", "sotw-per-type"],
    rule: "R50",
    reason:
      'SotW: a heartbeat (body-less Resource at the current version) for a TTL\'d cluster deletes the cluster instead of refreshing its TTL, against "any resource within the response that look like a heartbeat resource will only be used to update the TTL" (xds_protocol#sotw-ttl)',
    evidence:
      /cluster "backend" was removed \d+ms after it was served with a 1000ms TTL \([1-9]\d* heartbeats sent/,
  },
  {
    // CDS duplicates are NACKed ("duplicate cluster backend found") and delta EDS duplicates too; SotW EDS
    // takes the response and ACKs it, on ADS and per-type alike.
    check: "protocol.dp-duplicate-endpoints-nacked",
    variants: ["sotw-ads", "sotw-per-type"],
    rule: "R36",
    reason:
      'SotW: an EDS response naming the same ClusterLoadAssignment twice is ACKed, against "clients should NACK responses that contain multiple instances of the same resource name" (xds_protocol#duplicate-resource-names)',
    evidence: /EDS response naming "backend" twice was ACKed/,
  },
];

export const envoyDivergence = divergenceLookup(ENVOY_DIVERGENCES, "variants");
