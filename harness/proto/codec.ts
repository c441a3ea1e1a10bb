// proto3-JSON ⇄ binary for xDS resources, conformant for Any (@type), Duration, Timestamp, wrappers,
// Struct and enums by name (all handled by @bufbuild/protobuf over the descriptor registry). JSON is
// written with proto field names (snake_case), the form Envoy's docs and fixtures use.
import { fromBinary, fromJson, toBinary, toJson, type JsonValue } from "@bufbuild/protobuf";
import { messageDesc, registry } from "./schemas.ts";
import { validateJson, type PathError } from "./validate.ts";
import { ENDPOINT_TYPE_URL, typeNameOf } from "./type-urls.ts";

export type JsonObject = { [k: string]: JsonValue };

export class CodecError extends Error {
  constructor(
    readonly typeName: string,
    readonly errors: PathError[],
  ) {
    super(`${typeName}: ${errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`);
    this.name = "CodecError";
  }
}

/** Every problem in a resource's JSON, with field paths; empty when it encodes. */
export function checkResource(typeUrl: string, json: unknown): PathError[] {
  const desc = messageDesc(typeNameOf(typeUrl));
  const { "@type": _ignored, ...body } = (json ?? {}) as Record<string, unknown>;
  const errors = validateJson(desc, body);
  if (errors.length > 0) return errors;
  try {
    fromJson(desc, body as JsonValue, { registry: registry() });
  } catch (e) {
    return [{ path: "(root)", message: (e as Error).message }];
  }
  return [];
}

export function encodeResource(typeUrl: string, json: unknown): Uint8Array {
  const errors = checkResource(typeUrl, json);
  if (errors.length > 0) throw new CodecError(typeNameOf(typeUrl), errors);
  const desc = messageDesc(typeNameOf(typeUrl));
  const { "@type": _ignored, ...body } = json as Record<string, unknown>;
  return toBinary(desc, fromJson(desc, body as JsonValue, { registry: registry() }));
}

export function decodeResource(typeUrl: string, bytes: Uint8Array): JsonObject {
  const desc = messageDesc(typeNameOf(typeUrl));
  return toJson(desc, fromBinary(desc, bytes), {
    registry: registry(),
    useProtoFieldName: true,
  }) as JsonObject;
}

/** The xDS resource name: `cluster_name` for ClusterLoadAssignment, `name` for everything else. */
export function resourceName(typeUrl: string, json: unknown): string | undefined {
  const o = (json ?? {}) as Record<string, unknown>;
  const n = typeUrl === ENDPOINT_TYPE_URL ? (o.cluster_name ?? o.clusterName) : o.name;
  return typeof n === "string" ? n : undefined;
}
