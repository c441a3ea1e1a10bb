// Everything the reference server does is observable as events: checks and tests wait on these
// (e.g. "the node ACKed version v2 of CDS") instead of sleeping.
import type { Node, Status } from "../proto/discovery.ts";
import type { StreamKind } from "../proto/services.ts";

export type RequestClass = "initial" | "ack" | "nack" | "stale" | "subscription";

export interface StreamInfo {
  streamId: number;
  kind: StreamKind | "rest";
  /** ADS when undefined, else the single type a per-type stream serves. */
  fixedType?: string;
  method: string;
}

export interface RequestEvent extends StreamInfo {
  at: number;
  nodeId: string;
  node?: Node;
  typeUrl: string;
  classification: RequestClass;
  versionInfo: string;
  nonce: string;
  resourceNames: string[];
  unsubscribe?: string[];
  initialResourceVersions?: Record<string, string>;
  errorDetail?: Status;
  /** For an ACK/NACK: the version of the response it answers. */
  answersVersion?: string;
}

export interface ResponseEvent extends StreamInfo {
  at: number;
  nodeId: string;
  typeUrl: string;
  versionInfo: string;
  nonce: string;
  resources: { name: string; version: string }[];
  removed?: string[];
  /** A TTL heartbeat: body-less Resources that only refresh the TTL (xds_protocol "TTL"). */
  heartbeat?: boolean;
}

export interface ApplyStepEvent {
  at: number;
  nodeId: string;
  version: string;
  typeUrl: string;
  phase: string;
  outcome: "acked" | "nacked" | "subscribed" | "no-subscriber" | "timeout" | "sent";
}

export interface ServerEvents {
  request: [RequestEvent];
  response: [ResponseEvent];
  "stream-open": [StreamInfo & { at: number }];
  "stream-close": [StreamInfo & { at: number; nodeId: string; error?: string }];
  "apply-step": [ApplyStepEvent];
}
