// The xDS transport messages (envoy.service.discovery.v3), typed for the harness and encoded through
// the same descriptor registry as the resources.
import { create, fromBinary, toBinary, toJson, type DescMessage, type JsonValue } from "@bufbuild/protobuf";
import { messageDesc, registry } from "./schemas.ts";

export interface Any {
  typeUrl: string;
  value: Uint8Array;
}
export interface Status {
  code: number;
  message: string;
}
export interface Node {
  id: string;
  cluster: string;
  metadata?: unknown;
  locality?: { region: string; zone: string; subZone: string };
  userAgentName?: string;
  userAgentVersionType?: { case: "userAgentVersion"; value: string } | { case: undefined };
  clientFeatures?: string[];
}
export interface DiscoveryRequest {
  versionInfo: string;
  node?: Node;
  resourceNames: string[];
  typeUrl: string;
  responseNonce: string;
  errorDetail?: Status;
}
export interface DiscoveryResponse {
  versionInfo: string;
  resources: Any[];
  canary?: boolean;
  typeUrl: string;
  nonce: string;
  controlPlane?: { identifier: string };
}
export interface Resource {
  name: string;
  aliases?: string[];
  version: string;
  resource?: Any;
  ttl?: { seconds: bigint; nanos: number };
}
export interface DeltaDiscoveryRequest {
  node?: Node;
  typeUrl: string;
  resourceNamesSubscribe: string[];
  resourceNamesUnsubscribe: string[];
  initialResourceVersions: { [name: string]: string };
  responseNonce: string;
  errorDetail?: Status;
}
export interface DeltaDiscoveryResponse {
  systemVersionInfo: string;
  resources: Resource[];
  typeUrl: string;
  removedResources: string[];
  nonce: string;
  controlPlane?: { identifier: string };
}

export interface MessageCodec<T> {
  desc: DescMessage;
  encode(msg: Partial<T>): Buffer;
  decode(bytes: Uint8Array): T;
  toJson(msg: T): JsonValue;
}

function codec<T>(typeName: string): MessageCodec<T> {
  let desc: DescMessage | undefined;
  const d = () => (desc ??= messageDesc(typeName));
  return {
    get desc() {
      return d();
    },
    encode: (msg) => Buffer.from(toBinary(d(), create(d(), msg as never))),
    decode: (bytes) => fromBinary(d(), bytes) as unknown as T,
    toJson: (msg) =>
      toJson(d(), create(d(), msg as never), { registry: registry(), useProtoFieldName: true }),
  };
}

export const DiscoveryRequestCodec = codec<DiscoveryRequest>("envoy.service.discovery.v3.DiscoveryRequest");
export const DiscoveryResponseCodec = codec<DiscoveryResponse>(
  "envoy.service.discovery.v3.DiscoveryResponse",
);
export const DeltaDiscoveryRequestCodec = codec<DeltaDiscoveryRequest>(
  "envoy.service.discovery.v3.DeltaDiscoveryRequest",
);
export const DeltaDiscoveryResponseCodec = codec<DeltaDiscoveryResponse>(
  "envoy.service.discovery.v3.DeltaDiscoveryResponse",
);
/** The Resource wrapper (delta resources; SotW resources with a TTL, xds_protocol "SotW TTL"). */
export const ResourceCodec = codec<Resource>("envoy.service.discovery.v3.Resource");
