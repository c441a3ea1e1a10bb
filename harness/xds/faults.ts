// Fault modes of the reference server: deliberate protocol violations that known-bad twins use to prove
// a check can fail, and robustness tests use to provoke a data plane. Each names the rule it breaks.
import type { DeltaDiscoveryResponse, DiscoveryResponse } from "../proto/discovery.ts";
import { RESOURCE_FAULTS } from "./resource-faults.ts";
import { REPRO_FAULTS } from "./repro-faults.ts";
import { allResourcesRequiredInSotW } from "../proto/type-urls.ts";

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

// Faults that rewrite resource contents live in resource-faults.ts.
Object.assign(FAULTS, RESOURCE_FAULTS, REPRO_FAULTS);

export function faultByName(name: string): Fault {
  const f = FAULTS[name];
  if (!f) throw new Error(`unknown fault mode "${name}" (known: ${Object.keys(FAULTS).sort().join(", ")})`);
  return f;
}
