// The adapter API (adapter.proto, next to this file) loaded at run time: a tiny parser for the proto3
// subset that file uses (messages of scalar/message fields, one service of unary rpcs) builds a
// FileDescriptorProto, @bufbuild/protobuf turns it into descriptors, and the codecs and the grpc-js
// service definition come from those. No protoc, no generated code, and the .proto stays the one
// source of truth for the wire format that external control planes implement.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  create,
  createFileRegistry,
  fromBinary,
  toBinary,
  type DescMessage,
  type FileRegistry,
} from "@bufbuild/protobuf";
import {
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as FieldType,
  DescriptorProtoSchema,
  FieldDescriptorProtoSchema,
  FileDescriptorProtoSchema,
  MethodDescriptorProtoSchema,
  ServiceDescriptorProtoSchema,
  file_google_protobuf_any,
  type FileDescriptorProto,
} from "@bufbuild/protobuf/wkt";
import type { MethodDefinition, ServiceDefinition } from "@grpc/grpc-js";
import type { Any } from "./discovery.ts";

export const ADAPTER_PROTO_PATH = fileURLToPath(new URL("./adapter.proto", import.meta.url));
export const ADAPTER_PACKAGE = "xdsc.adapter.v1";
export const ADAPTER_SERVICE = `${ADAPTER_PACKAGE}.ControlPlaneAdapter`;

export interface GetInfoResponse {
  name: string;
  version: string;
  features: string[];
}
export interface SetSnapshotRequest {
  nodeId: string;
  version: string;
  resources: Any[];
}
export interface ClearSnapshotRequest {
  nodeId: string;
}
export type Empty = Record<string, never>;

/** The rpcs, with their request and response types (checked against the .proto when loading). */
export interface AdapterMethods {
  GetInfo: [Empty, GetInfoResponse];
  SetSnapshot: [SetSnapshotRequest, Empty];
  ClearSnapshot: [ClearSnapshotRequest, Empty];
}
export type AdapterMethod = keyof AdapterMethods;

const SCALARS: Record<string, FieldType> = {
  string: FieldType.STRING,
  bytes: FieldType.BYTES,
  bool: FieldType.BOOL,
  int32: FieldType.INT32,
  int64: FieldType.INT64,
  uint32: FieldType.UINT32,
  uint64: FieldType.UINT64,
  double: FieldType.DOUBLE,
};

/**
 * Parses the proto3 subset adapter.proto is written in. Anything else (enums, oneofs, maps, options,
 * nested messages, streaming rpcs) is rejected with its line, so a change to the .proto that this
 * loader cannot represent fails loudly instead of producing a different wire format.
 */
export function parseAdapterProto(text: string, fileName = "adapter.proto"): FileDescriptorProto {
  const file = create(FileDescriptorProtoSchema, { name: fileName, syntax: "proto3" });
  let block: { kind: "message" | "service"; name: string } | undefined;
  const lines = text.split("\n");
  lines.forEach((raw, i) => {
    const line = raw.replace(/\/\/.*$/, "").trim();
    const where = `${fileName}:${i + 1}`;
    if (line === "") return;
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^syntax\s*=\s*"(proto3)";$/))) return;
    if ((m = line.match(/^package\s+([\w.]+);$/))) file.package = m[1]!;
    else if ((m = line.match(/^import\s+"([\w/.]+)";$/))) file.dependency.push(m[1]!);
    else if (!block && (m = line.match(/^(message|service)\s+(\w+)\s*\{\s*(\})?$/))) {
      const kind = m[1] as "message" | "service";
      if (kind === "message") file.messageType.push(create(DescriptorProtoSchema, { name: m[2]! }));
      else file.service.push(create(ServiceDescriptorProtoSchema, { name: m[2]! }));
      if (!m[3]) block = { kind, name: m[2]! };
    } else if (block && line === "}") block = undefined;
    else if (block?.kind === "message" && (m = line.match(/^(repeated\s+)?([\w.]+)\s+(\w+)\s*=\s*(\d+);$/))) {
      const [, repeated, type, name, num] = m as unknown as string[];
      const msg = file.messageType.at(-1)!;
      const scalar = SCALARS[type!];
      msg.field.push(
        create(FieldDescriptorProtoSchema, {
          name: name!,
          number: Number(num),
          label: repeated ? Label.REPEATED : Label.OPTIONAL,
          type: scalar ?? FieldType.MESSAGE,
          typeName: scalar ? "" : `.${type!.includes(".") ? type : `${file.package}.${type}`}`,
          jsonName: name!.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()),
        }),
      );
    } else if (
      block?.kind === "service" &&
      (m = line.match(/^rpc\s+(\w+)\s*\(\s*(\w+)\s*\)\s*returns\s*\(\s*(\w+)\s*\);$/))
    ) {
      file.service.at(-1)!.method.push(
        create(MethodDescriptorProtoSchema, {
          name: m[1]!,
          inputType: `.${file.package}.${m[2]}`,
          outputType: `.${file.package}.${m[3]}`,
        }),
      );
    } else throw new Error(`${where}: expected a declaration of the supported proto3 subset, got "${line}"`);
  });
  if (block)
    throw new Error(`${fileName}: expected "}" closing ${block.kind} ${block.name}, got end of file`);
  return file;
}

let cached: FileRegistry | undefined;

/** The adapter API's descriptors, parsed from adapter.proto once. */
export function adapterRegistry(): FileRegistry {
  if (cached) return cached;
  const file = parseAdapterProto(readFileSync(ADAPTER_PROTO_PATH, "utf8"));
  cached = createFileRegistry(file, (name) =>
    name === "google/protobuf/any.proto" ? file_google_protobuf_any : undefined,
  );
  return cached;
}

function adapterMessage(name: string): DescMessage {
  const desc = adapterRegistry().getMessage(`${ADAPTER_PACKAGE}.${name}`);
  if (!desc) throw new Error(`${ADAPTER_PROTO_PATH}: expected message ${name}, got none`);
  return desc;
}

export function encodeAdapterMessage(name: string, msg: object): Buffer {
  const desc = adapterMessage(name);
  return Buffer.from(toBinary(desc, create(desc, msg as never)));
}

/** Decodes into a plain object (camelCase fields, Any as {typeUrl, value}), without $typeName. */
export function decodeAdapterMessage<T>(name: string, bytes: Uint8Array): T {
  return plain(fromBinary(adapterMessage(name), bytes)) as T;
}

function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (v === null || typeof v !== "object" || v instanceof Uint8Array) return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([k]) => k !== "$typeName")
      .map(([k, x]) => [k, plain(x)]),
  );
}

/** A grpc-js service definition of ControlPlaneAdapter, for clients (external CPs) and test servers. */
export function adapterServiceDefinition(): ServiceDefinition {
  const service = adapterRegistry().getService(ADAPTER_SERVICE);
  if (!service) throw new Error(`${ADAPTER_PROTO_PATH}: expected service ${ADAPTER_SERVICE}, got none`);
  const def: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const m of service.methods) {
    const [req, res] = [m.input.name, m.output.name];
    def[m.name] = {
      path: `/${ADAPTER_SERVICE}/${m.name}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: (v) => encodeAdapterMessage(req, v as object),
      requestDeserialize: (b) => decodeAdapterMessage(req, b),
      responseSerialize: (v) => encodeAdapterMessage(res, v as object),
      responseDeserialize: (b) => decodeAdapterMessage(res, b),
    };
  }
  return def as ServiceDefinition;
}
