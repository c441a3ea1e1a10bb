// Fault modes of the reference server: deliberate protocol violations that known-bad twins use to prove
// a check can fail, and robustness tests use to provoke a data plane. Each names the rule it breaks.
import type { DeltaDiscoveryResponse, DiscoveryResponse } from "../proto/discovery.ts";
import { RESOURCE_FAULTS } from "./resource-faults.ts";
import { REPRO_FAULTS } from "./repro-faults.ts";
import { allResourcesRequiredInSotW } from "../proto/type-urls.ts";
import { encodeResource } from "../proto/codec.ts";
import { ENDPOINT_TYPE_URL } from "../proto/type-urls.ts";

export interface FaultContext {
  streamId: number;
  typeUrl: string;
  /** Responses sent on this stream so far (all types). */
  sent: number;
  /** The previous response's nonce on this stream for this type. */
  previousNonce?: string;
  previousVersion?: string;
  /** SotW: the previous response of this type on this stream, as sent. */
  previousResponse?: DiscoveryResponse;
}

/**
 * Behaviour switches the streams consult (sotw-stream.ts, delta-stream.ts), for faults that are not a
 * rewrite of one response: which requests are answered and what the server remembers of a subscription.
 */
export interface FaultSwitches {
  /** SotW: a request with a stale response_nonce is processed like a current one. */
  acceptStaleNonce?: boolean;
  /** The first request of a type on a stream gets no response. */
  silentInitial?: boolean;
  /** An ACK is answered by sending the same resources again. */
  answerAck?: boolean;
  /** A named subscription is served like a wildcard: every resource of the type. */
  ignoreResourceNames?: boolean;
  /** Unsubscribed names stay subscribed. */
  ignoreUnsubscribe?: boolean;
  /** Delta: initial_resource_versions is ignored, everything is sent again. */
  ignoreInitialVersions?: boolean;
  /** Requested names that do not exist at request time are forgotten. */
  forgetMissing?: boolean;
  /** SotW: a first request carrying the current version_info gets no response. */
  skipResendOnReconnect?: boolean;
  /** A request without node after the first one ends the stream. */
  requireNodeEveryRequest?: boolean;
  /** Delta: a request with a stale nonce is ignored whole, subscription changes included. */
  deltaRejectStale?: boolean;
  /** Delta: a (re)subscribed name whose current version the client is believed to have is not resent. */
  deltaSkipKnownSubscribe?: boolean;
  /** SotW: an empty resource_names after explicit names keeps the previous names (R26). */
  sotwEmptyKeepsNames?: boolean;
  /** LDS/CDS: an empty subscription is always the legacy wildcard, even after explicit names (R29). */
  legacyWildcardSticks?: boolean;
  /** SotW: a wildcard stays on when a later request names resources without "*" (R30). */
  sotwWildcardSticky?: boolean;
  /** SotW: a request naming "*" and other names serves only the other names (R30). */
  sotwNamesOverrideStar?: boolean;
  /** Delta: unsubscribing "*" drops the named subscriptions too (R31). */
  deltaUnsubscribeStarDropsAll?: boolean;
  /** Delta: a name unsubscribed while the wildcard covers it stays excluded from the wildcard (R43). */
  unsubscribeCarvesWildcard?: boolean;
  /** Delta: unsubscribing a name that is not subscribed ends the stream (R62). */
  endOnPhantomUnsubscribe?: boolean;
  /** Delta: unsubscribing a name the wildcard also covers is not answered (R63). */
  deltaSilentWildcardUnsubscribe?: boolean;
  /** Delta: a subscribed name that does not exist is not reported in removed_resources (R64). */
  deltaNoMissingReport?: boolean;
  /** After a NACK of one type, no other type is pushed on the stream until that type is ACKed (R12). */
  nackHoldsStream?: boolean;
  /** A request without type_url ends the stream, on singleton (per-type) APIs too (R66). */
  requireTypeUrl?: boolean;
  /** Delta: every response carries every resource in scope, changed or not (R72). */
  deltaResendAll?: boolean;
  /** ADS: a request for a type the server does not serve ends the stream (R73). */
  endOnUnknownType?: boolean;
  /** Delta: initial_resource_versions names that no longer exist are dropped, not removed (R74). */
  deltaForgetInitialRemovals?: boolean;
  /** SotW: a change that only deletes resources is not pushed (R75). */
  sotwNoPushOnDelete?: boolean;
  /** TTL: no heartbeats are sent, so a TTL'd resource expires on the client. */
  noHeartbeat?: boolean;
  /** TTL: resources go out without their TTL (SotW unwrapped, delta without ttl). */
  dropTtl?: boolean;
  /** TTL: a resource resent with its TTL removed still carries the TTL it was last sent with. */
  stickyTtl?: boolean;
  /** SotW TTL: resources are wrapped in Resource even for clients without the client feature. */
  wrapWithoutClientFeature?: boolean;
  /** REST: every poll is answered with the full state at once, changed or not. */
  restAnswerUnchanged?: boolean;
  /** REST: a poll that carries no response_nonce is not answered (the nonce is treated as required). */
  restRequireNonce?: boolean;
  /** REST: a poll that carries any version_info is taken as up to date (answered only with 304). */
  restIgnoreVersion?: boolean;
  /** REST: resources are written as `{type_url, value}` (base64 bytes), not canonical JSON Any. */
  restRawAny?: boolean;
}

export interface Fault extends FaultSwitches {
  name: string;
  description: string;
  /** The rule the fault breaks (xds_protocol section). */
  breaks: string;
  sotwResponse?(ctx: FaultContext, resp: DiscoveryResponse): DiscoveryResponse | undefined;
  deltaResponse?(ctx: FaultContext, resp: DeltaDiscoveryResponse): DeltaDiscoveryResponse | undefined;
  /** Return true to send the NACKed response again (a NACK loop). */
  resendOnNack?: boolean;
  /** Return true to close the stream after this response was written. */
  closeAfterSend?(ctx: FaultContext): boolean;
}

export const FAULTS: Record<string, Fault> = {
  "resend-nacked": {
    name: "resend-nacked",
    description: "answers every NACK by sending the rejected configuration again",
    breaks: "xds_protocol#ack-and-nack-semantics (no resend of a NACKed version without change)",
    resendOnNack: true,
  },
  "reuse-nonce": {
    name: "reuse-nonce",
    description: "sends a new response with the previous response's nonce",
    breaks: "xds_protocol#nonces (every response carries a unique nonce)",
    sotwResponse: (ctx, r) => (ctx.previousNonce ? { ...r, nonce: ctx.previousNonce } : r),
    deltaResponse: (ctx, r) => (ctx.previousNonce ? { ...r, nonce: ctx.previousNonce } : r),
  },
  "empty-version": {
    name: "empty-version",
    description: "sends SotW responses with an empty version_info",
    breaks: "discovery.proto DiscoveryResponse.version_info (the version of the response data)",
    sotwResponse: (_ctx, r) => ({ ...r, versionInfo: "" }),
  },
  "version-regress": {
    name: "version-regress",
    description: "labels every SotW response after the first with the previous response's version",
    breaks: "xds_protocol#versioning (a new configuration carries a new version)",
    sotwResponse: (ctx, r) => (ctx.previousVersion ? { ...r, versionInfo: ctx.previousVersion } : r),
  },
  "duplicate-resources": {
    name: "duplicate-resources",
    description: "sends every resource twice in the same response",
    breaks: "xds_protocol#resource-names (a resource name is unique within a response)",
    sotwResponse: (_ctx, r) => ({ ...r, resources: [...r.resources, ...r.resources] }),
    deltaResponse: (_ctx, r) => ({ ...r, resources: [...r.resources, ...r.resources] }),
  },
  "duplicate-endpoints": {
    name: "duplicate-endpoints",
    description: "sends every ClusterLoadAssignment twice in the same EDS response (other types as they are)",
    breaks: "xds_protocol#resource-names (a resource name is unique within a response)",
    sotwResponse: (ctx, r) =>
      ctx.typeUrl === ENDPOINT_TYPE_URL ? { ...r, resources: [...r.resources, ...r.resources] } : r,
    deltaResponse: (ctx, r) =>
      ctx.typeUrl === ENDPOINT_TYPE_URL ? { ...r, resources: [...r.resources, ...r.resources] } : r,
  },
  "wrong-type-url": {
    name: "wrong-type-url",
    description: "sets a response's type_url to a type the request did not ask for",
    breaks: "discovery.proto DiscoveryResponse.type_url (the type of the request answered)",
    sotwResponse: (_ctx, r) => ({ ...r, typeUrl: r.typeUrl + "X" }),
    deltaResponse: (_ctx, r) => ({ ...r, typeUrl: r.typeUrl + "X" }),
  },
  "drop-stream-mid-update": {
    name: "drop-stream-mid-update",
    description: "closes the stream right after the second response it sends",
    breaks: "robustness: a data plane must reconnect and resynchronise",
    closeAfterSend: (ctx) => ctx.sent === 2,
  },
};

// Faults for the protocol suite's control-plane checks (suites/protocol): each breaks one rule.
const PROTOCOL_FAULTS: Fault[] = [
  {
    name: "accept-stale-nonce",
    description: "answers SotW requests whose response_nonce is stale as if they were current",
    breaks: "xds_protocol#resource-updates (no DiscoveryResponse for a request with a stale nonce)",
    acceptStaleNonce: true,
  },
  {
    name: "silent-initial",
    description: "never answers the first request of a type on a stream",
    breaks:
      "xds_protocol#basic-protocol-overview (the server answers a request with the subscribed resources)",
    silentInitial: true,
  },
  {
    name: "answer-ack",
    description: "answers every ACK by sending the same resources again",
    breaks: "xds_protocol#when-to-send-an-update (send only when the resources changed)",
    answerAck: true,
  },
  {
    name: "ignore-resource-names",
    description: "serves every resource of a type, whatever names were requested",
    breaks: "xds_protocol#how-the-client-specifies-what-resources-to-return (named subscriptions)",
    ignoreResourceNames: true,
  },
  {
    name: "ignore-unsubscribe",
    description: "keeps serving names the client unsubscribed from",
    breaks: "xds_protocol#unsubscribing-from-resources",
    ignoreUnsubscribe: true,
  },
  {
    name: "ignore-initial-versions",
    description: "delta: ignores initial_resource_versions on a new stream and resends everything",
    breaks: "xds_protocol#incremental-xds (initial_resource_versions avoids resending known resources)",
    ignoreInitialVersions: true,
  },
  {
    name: "forget-missing",
    description: "forgets requested names that do not exist yet, so their later creation is never sent",
    breaks: "xds_protocol#knowing-when-a-requested-resource-does-not-exist (remember requested names)",
    forgetMissing: true,
  },
  {
    name: "skip-resend-on-reconnect",
    description: "SotW: does not answer a new stream's first request whose version_info is current",
    breaks: "xds_protocol#ack-nack-and-resource-type-instance-version (no skip when new names are requested)",
    skipResendOnReconnect: true,
  },
  {
    name: "require-node-every-request",
    description: "ends the stream when a request after the first carries no node",
    breaks: "xds_protocol#basic-protocol-overview (only the first request is guaranteed to carry the node)",
    requireNodeEveryRequest: true,
  },
  {
    name: "delta-reject-stale",
    description: "delta: ignores requests with a stale nonce, subscription changes included",
    breaks: "xds_protocol#incremental-xds (honor subscription changes even if the nonce is stale)",
    deltaRejectStale: true,
  },
  {
    name: "delta-skip-known-subscribe",
    description: "delta: does not resend a subscribed resource the client is believed to have",
    breaks: "discovery.proto DeltaDiscoveryRequest.resource_names_subscribe (respond with all names listed)",
    deltaSkipKnownSubscribe: true,
  },
  {
    name: "no-removed-resources",
    description: "delta: never fills removed_resources",
    breaks: "xds_protocol#deleting-resources (incremental: removal via removed_resources)",
    deltaResponse: (_ctx, r) => ({ ...r, removedResources: [] }),
  },
  {
    name: "sotw-changed-only",
    description: "SotW LDS/CDS: sends only resources that changed since the previous response",
    breaks: "xds_protocol#grouping-resources-into-responses (LDS/CDS carry the complete state)",
    sotwResponse: (ctx, r) => {
      if (!allResourcesRequiredInSotW(r.typeUrl) || !ctx.previousResponse) return r;
      const before = new Set(ctx.previousResponse.resources.map((a) => Buffer.from(a.value).toString("hex")));
      return {
        ...r,
        resources: r.resources.filter((a) => !before.has(Buffer.from(a.value).toString("hex"))),
      };
    },
  },
];
for (const f of PROTOCOL_FAULTS) FAULTS[f.name] = f;

// Faults for the TTL/heartbeat, REST-JSON and file checks of the protocol suite: each breaks one rule.
const TTL_AND_REST_FAULTS: Fault[] = [
  {
    name: "no-heartbeat",
    description: "never sends TTL heartbeats, so TTL'd resources expire on the client",
    breaks: "xds_protocol#ttl (heartbeats refresh the TTL of resources the server still serves)",
    noHeartbeat: true,
  },
  {
    name: "drop-ttl",
    description: "serves TTL'd resources without their TTL",
    breaks: "xds_protocol#ttl (a TTL field may be specified on each Resource)",
    dropTtl: true,
  },
  {
    name: "sticky-ttl",
    description: "resends a resource whose TTL was removed with its old TTL still set",
    breaks: "xds_protocol#ttl (to remove the TTL, the server resends the resource with the TTL field unset)",
    stickyTtl: true,
  },
  {
    name: "wrap-without-client-feature",
    description:
      "SotW: wraps TTL'd resources in Resource for clients that did not declare the client feature",
    breaks: "xds_protocol#sotw-ttl (gated by the xds.config.supports-resource-in-sotw client feature)",
    wrapWithoutClientFeature: true,
  },
  {
    name: "rest-answer-unchanged",
    description: "REST: answers every poll with the full state at once, even when nothing changed",
    breaks: "xds_protocol#rest-json-polling-subscriptions (no response unless the resources changed)",
    restAnswerUnchanged: true,
  },
  {
    name: "rest-require-nonce",
    description: "REST: ignores polls that carry no response_nonce",
    breaks: "xds_protocol#rest-json-polling-subscriptions (the response nonce is optional in REST-JSON)",
    restRequireNonce: true,
  },
  {
    name: "rest-ignore-version",
    description: "REST: takes any poll carrying a version_info as up to date",
    breaks: "xds_protocol#rest-json-polling-subscriptions (a poll at an old version is owed the change)",
    restIgnoreVersion: true,
  },
  {
    name: "rest-raw-any",
    description: "REST: writes resources as {type_url, value} with base64 bytes instead of canonical JSON",
    breaks: "xds_protocol#rest-json-polling-subscriptions (the canonical proto3 JSON transform is used)",
    restRawAny: true,
  },
];
for (const f of TTL_AND_REST_FAULTS) FAULTS[f.name] = f;

// Faults for the subscription-state, delta and ADS checks of the protocol suite (RULES.md R12, R26–R31,
// R43, R62–R66, R70–R75): each breaks one rule.
const SUBSCRIPTION_FAULTS: Fault[] = [
  {
    name: "sotw-empty-keeps-names",
    description: "SotW: an empty resource_names after explicit names is taken as 'no change'",
    breaks: "xds_protocol#how-the-client-specifies-what-resources-to-return (an empty list = no interest)",
    sotwEmptyKeepsNames: true,
  },
  {
    name: "legacy-wildcard-sticks",
    description: "LDS/CDS: an empty subscription is always the wildcard, even after explicit names",
    breaks:
      "xds_protocol#how-the-client-specifies-what-resources-to-return (legacy wildcard ends once a name was subscribed)",
    legacyWildcardSticks: true,
  },
  {
    name: "sotw-wildcard-sticky",
    description: 'SotW: a request naming "A" without "*" keeps the wildcard',
    breaks: 'xds_protocol#how-the-client-specifies-what-resources-to-return ("A" alone unsubscribes "*")',
    sotwWildcardSticky: true,
  },
  {
    name: "sotw-names-override-star",
    description: 'SotW: a request naming "*" and "A" serves only "A"',
    breaks:
      'xds_protocol#how-the-client-specifies-what-resources-to-return ("*" plus "A" keeps the wildcard)',
    sotwNamesOverrideStar: true,
  },
  {
    name: "delta-unsubscribe-star-drops-all",
    description: 'delta: unsubscribing "*" drops the named subscriptions as well',
    breaks: 'xds_protocol#how-the-client-specifies-what-resources-to-return (unsubscribing "*" keeps "A")',
    deltaUnsubscribeStarDropsAll: true,
  },
  {
    name: "unsubscribe-carves-wildcard",
    description: "delta: a name unsubscribed under a wildcard stays excluded from the wildcard",
    breaks: "xds_protocol#unsubscribing-from-resources (a wildcard is unsubscribed only as a whole)",
    unsubscribeCarvesWildcard: true,
  },
  {
    name: "end-on-phantom-unsubscribe",
    description: "delta: ends the stream when a request unsubscribes a name that is not subscribed",
    breaks: "xds_protocol#unsubscribing-from-resources-1 (phantom unsubscriptions are processed cleanly)",
    endOnPhantomUnsubscribe: true,
  },
  {
    name: "delta-silent-wildcard-unsubscribe",
    description: "delta: does not answer the unsubscription of a name the wildcard also covers",
    breaks:
      "xds_protocol#unsubscribing-from-resources-1 (the name must be sent in resources or removed_resources)",
    deltaSilentWildcardUnsubscribe: true,
  },
  {
    name: "delta-no-missing-report",
    description: "delta: never reports a subscribed name that does not exist in removed_resources",
    breaks:
      "xds_protocol#knowing-when-a-requested-resource-does-not-exist-1 (the server sends its name in removed_resources)",
    deltaNoMissingReport: true,
  },
  {
    name: "nack-holds-stream",
    description: "after a NACK of one type, pushes no other type on the stream until that type is ACKed",
    breaks: "xds_protocol#ack-nack-and-resource-type-instance-version (each type's version is separate)",
    nackHoldsStream: true,
  },
  {
    name: "require-type-url",
    description: "ends the stream when a request carries no type_url, on singleton APIs too",
    breaks: "discovery.proto DiscoveryRequest.type_url (implicit in requests made via singleton xDS APIs)",
    requireTypeUrl: true,
  },
  {
    name: "delta-resend-all",
    description: "delta: every response carries every resource in scope, changed or not",
    breaks: "xds_protocol#incremental-xds (the server only needs to deliver the resource that changed)",
    deltaResendAll: true,
  },
  {
    name: "end-on-unknown-type",
    description: "ADS: ends the stream when a request names a type the server does not serve",
    breaks: "xds_protocol#aggregated-discovery-service (independent request/response sequences per type URL)",
    endOnUnknownType: true,
  },
  {
    name: "delta-forget-initial-removals",
    description: "delta: drops initial_resource_versions names that no longer exist instead of removing them",
    breaks: "xds_protocol#incremental-xds (deleted resources are named in removed_resources)",
    deltaForgetInitialRemovals: true,
  },
  {
    name: "sotw-no-push-on-delete",
    description: "SotW: a change that only deletes resources is not pushed",
    breaks: "xds_protocol#deleting-resources (LDS/CDS: a resource absent from a new response is deleted)",
    sotwNoPushOnDelete: true,
  },
  {
    name: "delta-resource-no-version",
    description: "delta: resources go out with an empty version",
    breaks: "discovery.proto Resource.version (the resource level version tracks each resource)",
    deltaResponse: (_ctx, r) => ({ ...r, resources: r.resources.map((x) => ({ ...x, version: "" })) }),
  },
  {
    name: "delta-resource-wrong-name",
    description: "delta: a Resource's name is not the name of the resource it carries",
    breaks: "xds_protocol#resource-names (the resource name is returned in the name field of the Resource)",
    deltaResponse: (_ctx, r) => ({
      ...r,
      resources: r.resources.map((x) => ({ ...x, name: `renamed-${x.name}` })),
    }),
  },
];
for (const f of SUBSCRIPTION_FAULTS) FAULTS[f.name] = f;

// Faults that provoke a data plane for the protocol suite's data-plane checks (RULES.md R24).
/** A load assignment nobody asked for, for the unrequested-eds fault. */
export const UNREQUESTED_EDS_NAME = "xdsc-unrequested";
const unrequestedEds = () =>
  encodeResource(ENDPOINT_TYPE_URL, {
    cluster_name: UNREQUESTED_EDS_NAME,
    endpoints: [
      {
        lb_endpoints: [
          { endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: 9 } } } },
        ],
      },
    ],
  });
FAULTS["unrequested-eds"] = {
  name: "unrequested-eds",
  description: `adds a ClusterLoadAssignment "${UNREQUESTED_EDS_NAME}" that nobody requested to every EDS response`,
  breaks:
    "xds_protocol#how-the-client-specifies-what-resources-to-return (serve the requested resources; a client ignores others)",
  sotwResponse: (_ctx, r) =>
    r.typeUrl !== ENDPOINT_TYPE_URL
      ? r
      : { ...r, resources: [...r.resources, { typeUrl: ENDPOINT_TYPE_URL, value: unrequestedEds() }] },
  deltaResponse: (_ctx, r) =>
    r.typeUrl !== ENDPOINT_TYPE_URL
      ? r
      : {
          ...r,
          resources: [
            ...r.resources,
            {
              name: UNREQUESTED_EDS_NAME,
              version: "1",
              resource: { typeUrl: ENDPOINT_TYPE_URL, value: unrequestedEds() },
            },
          ],
        },
};

// Faults that rewrite resource contents live in resource-faults.ts.
Object.assign(FAULTS, RESOURCE_FAULTS, REPRO_FAULTS);

export function faultByName(name: string): Fault {
  const f = FAULTS[name];
  if (!f) throw new Error(`unknown fault mode "${name}" (known: ${Object.keys(FAULTS).sort().join(", ")})`);
  return f;
}
