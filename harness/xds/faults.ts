// Fault modes of the reference server: deliberate protocol violations that known-bad twins use to prove
// a check can fail, and robustness tests use to provoke a data plane. Each names the rule it breaks.
import type { DeltaDiscoveryResponse, DiscoveryResponse } from "../proto/discovery.ts";

export interface FaultContext {
  streamId: number;
  typeUrl: string;
  /** Responses sent on this stream so far (all types). */
  sent: number;
  /** The previous response's nonce on this stream for this type. */
  previousNonce?: string;
  previousVersion?: string;
}

export interface Fault {
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

export function faultByName(name: string): Fault {
  const f = FAULTS[name];
  if (!f) throw new Error(`unknown fault mode "${name}" (known: ${Object.keys(FAULTS).sort().join(", ")})`);
  return f;
}
