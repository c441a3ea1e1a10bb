// Turns decoded xDS messages into transcript entries (names, versions, nonces and, optionally, each
// resource's JSON).
import { decodeResource, resourceName } from "../proto/codec.ts";
import type {
  Any,
  DeltaDiscoveryRequest,
  DeltaDiscoveryResponse,
  DiscoveryRequest,
  DiscoveryResponse,
} from "../proto/discovery.ts";
import type { XdsMethod } from "../proto/services.ts";
import type { TranscriptEntry } from "./transcript.ts";

type Msg = DiscoveryRequest | DiscoveryResponse | DeltaDiscoveryRequest | DeltaDiscoveryResponse;

function resourceJson(any: Any | undefined, keep: boolean) {
  if (!any) return { name: undefined, json: undefined };
  try {
    const json = decodeResource(any.typeUrl, any.value);
    return {
      name: resourceName(any.typeUrl, json),
      json: keep ? { "@type": any.typeUrl, ...json } : undefined,
    };
  } catch {
    // An undecodable resource is itself evidence (e.g. a wrong type_url fault); keep the entry.
    return { name: "<undecodable>", json: undefined };
  }
}

export function toEntry(
  m: XdsMethod,
  stream: number,
  direction: "request" | "response",
  msg: Msg,
  nodeId: string,
  keepJson: boolean,
): Omit<TranscriptEntry, "seq" | "at"> {
  const base = {
    stream,
    method: m.path,
    kind: m.kind,
    direction,
    typeUrl: msg.typeUrl || m.typeUrl || "",
    nodeId: nodeId || undefined,
  };
  const node = "node" in msg && msg.node ? msg.node : undefined;
  const nodePart = node ? { nodeId: node.id, node: { id: node.id, cluster: node.cluster } } : {};
  const err =
    "errorDetail" in msg && msg.errorDetail
      ? { errorDetail: { code: msg.errorDetail.code, message: msg.errorDetail.message } }
      : {};
  if (direction === "request" && m.kind !== "delta") {
    const r = msg as DiscoveryRequest;
    return {
      ...base,
      ...nodePart,
      versionInfo: r.versionInfo,
      nonce: r.responseNonce,
      resourceNames: [...r.resourceNames],
      ...err,
    };
  }
  if (direction === "request") {
    const r = msg as DeltaDiscoveryRequest;
    return {
      ...base,
      ...nodePart,
      nonce: r.responseNonce,
      resourceNames: [...r.resourceNamesSubscribe],
      unsubscribe: [...r.resourceNamesUnsubscribe],
      initialResourceVersions: { ...r.initialResourceVersions },
      ...err,
    };
  }
  if (m.kind !== "delta") {
    const r = msg as DiscoveryResponse;
    return {
      ...base,
      versionInfo: r.versionInfo,
      nonce: r.nonce,
      resources: r.resources.map((a) => {
        const { name, json } = resourceJson(a, keepJson);
        return { name: name ?? "", ...(json ? { json } : {}) };
      }),
    };
  }
  const r = msg as DeltaDiscoveryResponse;
  return {
    ...base,
    versionInfo: r.systemVersionInfo,
    nonce: r.nonce,
    resources: r.resources.map((res) => {
      const { json } = resourceJson(res.resource, keepJson);
      return { name: res.name, version: res.version, ...(json ? { json } : {}) };
    }),
    removed: [...r.removedResources],
  };
}
