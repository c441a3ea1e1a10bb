// Loads the Envoy/xds/googleapis/validate descriptors exported by scripts/setup.sh (from PyPI's
// xds-protos, never copied into this repository) into one @bufbuild/protobuf registry. The same registry
// drives the gRPC services (binary) and the proto3-JSON codec (fixtures, transcripts, reports).
import { readFileSync, existsSync } from "node:fs";
import { fromBinary, createFileRegistry, type FileRegistry, type DescMessage } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { projectPath } from "../util/paths.ts";

export const DESCRIPTOR_SET_PATH = projectPath(".cache", "descriptors", "xds.binpb");

let cached: FileRegistry | undefined;

export function registry(): FileRegistry {
  if (cached) return cached;
  if (!existsSync(DESCRIPTOR_SET_PATH)) {
    throw new Error(`xDS descriptors not found at ${DESCRIPTOR_SET_PATH}: run npm run setup`);
  }
  const set = fromBinary(FileDescriptorSetSchema, readFileSync(DESCRIPTOR_SET_PATH));
  cached = createFileRegistry(set);
  return cached;
}

export function messageDesc(typeName: string): DescMessage {
  const desc = registry().getMessage(typeName.replace(/^type\.googleapis\.com\//, ""));
  if (!desc) throw new Error(`unknown message type "${typeName}"`);
  return desc;
}
