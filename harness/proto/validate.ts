// Walks proto3 JSON against a message descriptor and reports every problem with a field path
// (`filter_chains[0].filters[0].typed_config.stat_prefx: unknown field`), in the manner of grpc-js-xds'
// validators. @bufbuild/protobuf's fromJson is the final authority, but its errors carry no path.
import { ScalarType, type DescField, type DescMessage, type DescEnum } from "@bufbuild/protobuf";
import { registry } from "./schemas.ts";
import { distance } from "../util/edit-distance.ts";

export interface PathError {
  path: string;
  message: string;
}

const INT_TYPES = new Set([
  ScalarType.INT32,
  ScalarType.SINT32,
  ScalarType.SFIXED32,
  ScalarType.UINT32,
  ScalarType.FIXED32,
  ScalarType.INT64,
  ScalarType.SINT64,
  ScalarType.SFIXED64,
  ScalarType.UINT64,
  ScalarType.FIXED64,
]);
const DURATION_RE = /^-?\d+(\.\d{1,9})?s$/;
const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export function validateJson(desc: DescMessage, value: unknown, path = ""): PathError[] {
  const errors: PathError[] = [];
  walkMessage(desc, value, path, errors);
  return errors;
}

function join(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "list";
  return typeof v;
}

function walkMessage(desc: DescMessage, value: unknown, path: string, errors: PathError[]): void {
  if (value === null) return;
  if (walkWellKnown(desc, value, path, errors)) return;
  if (kindOf(value) !== "object") {
    errors.push({
      path: path || "(root)",
      message: `expected an object (${desc.typeName}), got ${kindOf(value)}`,
    });
    return;
  }
  const oneofSeen = new Map<string, string>();
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const field = desc.fields.find((f) => f.name === key || f.jsonName === key);
    const at = join(path, key);
    if (!field) {
      const hint = suggest(
        key,
        desc.fields.map((f) => f.name),
      );
      errors.push({ path: at, message: `unknown field of ${desc.typeName}${hint}` });
      continue;
    }
    if (field.oneof && v !== null) {
      const other = oneofSeen.get(field.oneof.name);
      if (other) errors.push({ path: at, message: `oneof "${field.oneof.name}" already set by "${other}"` });
      oneofSeen.set(field.oneof.name, key);
    }
    walkField(field, v, at, errors);
  }
}

function walkField(field: DescField, v: unknown, path: string, errors: PathError[]): void {
  if (v === null) return;
  switch (field.fieldKind) {
    case "list":
      if (!Array.isArray(v)) {
        errors.push({ path, message: `expected a list, got ${kindOf(v)}` });
        return;
      }
      v.forEach((item, i) => {
        const at = join(path, i);
        if (field.listKind === "message") walkMessage(field.message, item, at, errors);
        else if (field.listKind === "enum") walkEnum(field.enum, item, at, errors);
        else walkScalar(field.scalar, item, at, errors);
      });
      return;
    case "map":
      if (kindOf(v) !== "object") {
        errors.push({ path, message: `expected a map (object), got ${kindOf(v)}` });
        return;
      }
      for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
        const at = `${path}["${k}"]`;
        if (field.mapKind === "message") walkMessage(field.message, item, at, errors);
        else if (field.mapKind === "enum") walkEnum(field.enum, item, at, errors);
        else walkScalar(field.scalar, item, at, errors);
      }
      return;
    case "message":
      walkMessage(field.message, v, path, errors);
      return;
    case "enum":
      walkEnum(field.enum, v, path, errors);
      return;
    case "scalar":
      walkScalar(field.scalar, v, path, errors);
  }
}

function walkEnum(desc: DescEnum, v: unknown, path: string, errors: PathError[]): void {
  if (typeof v === "number" && Number.isInteger(v)) return;
  if (typeof v === "string" && desc.values.some((e) => e.name === v)) return;
  const names = desc.values.map((e) => e.name);
  errors.push({
    path,
    message: `invalid value ${JSON.stringify(v)} for enum ${desc.typeName} (one of ${names.slice(0, 8).join(", ")}${names.length > 8 ? ", ..." : ""})`,
  });
}

function walkScalar(type: ScalarType, v: unknown, path: string, errors: PathError[]): void {
  const bad = (want: string) =>
    errors.push({ path, message: `expected ${want}, got ${kindOf(v)} ${JSON.stringify(v)}` });
  if (type === ScalarType.STRING || type === ScalarType.BYTES) {
    if (typeof v !== "string") bad("a string");
  } else if (type === ScalarType.BOOL) {
    if (typeof v !== "boolean") bad("a boolean");
  } else if (INT_TYPES.has(type)) {
    const ok = (typeof v === "number" && Number.isInteger(v)) || (typeof v === "string" && /^-?\d+$/.test(v));
    if (!ok) bad("an integer");
  } else if (
    typeof v !== "number" &&
    !(typeof v === "string" && /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|NaN|-?Infinity)$/.test(v))
  ) {
    bad("a number");
  }
}

/** Returns true when desc is a well-known type with a special JSON form (and validates it). */
function walkWellKnown(desc: DescMessage, v: unknown, path: string, errors: PathError[]): boolean {
  const wrapper = WRAPPERS[desc.typeName];
  if (wrapper !== undefined) {
    walkScalar(wrapper, v, path, errors);
    return true;
  }
  switch (desc.typeName) {
    case "google.protobuf.Any":
      walkAny(v, path, errors);
      return true;
    case "google.protobuf.Duration":
      if (typeof v !== "string" || !DURATION_RE.test(v))
        errors.push({
          path,
          message: `invalid duration ${JSON.stringify(v)}: expected a string like "5s" or "0.250s"`,
        });
      return true;
    case "google.protobuf.Timestamp":
      if (typeof v !== "string" || !TIMESTAMP_RE.test(v))
        errors.push({ path, message: `invalid timestamp ${JSON.stringify(v)}: expected RFC 3339` });
      return true;
    case "google.protobuf.FieldMask":
      if (typeof v !== "string")
        errors.push({ path, message: `expected a field mask string, got ${kindOf(v)}` });
      return true;
    case "google.protobuf.Struct":
      if (kindOf(v) !== "object")
        errors.push({ path, message: `expected an object (Struct), got ${kindOf(v)}` });
      return true;
    case "google.protobuf.ListValue":
      if (!Array.isArray(v)) errors.push({ path, message: `expected a list (ListValue), got ${kindOf(v)}` });
      return true;
    case "google.protobuf.Value":
      return true;
  }
  return false;
}

function walkAny(v: unknown, path: string, errors: PathError[]): void {
  if (kindOf(v) !== "object") {
    errors.push({ path, message: `expected an object with "@type" (Any), got ${kindOf(v)}` });
    return;
  }
  const { "@type": typeUrl, ...rest } = v as Record<string, unknown>;
  if (typeof typeUrl !== "string") {
    errors.push({ path, message: `missing "@type" in Any` });
    return;
  }
  const desc = registry().getMessage(typeUrl.slice(typeUrl.lastIndexOf("/") + 1));
  if (!desc) {
    errors.push({ path: join(path, "@type"), message: `unknown @type "${typeUrl}"` });
    return;
  }
  const isWkt =
    desc.typeName.startsWith("google.protobuf.") &&
    (WRAPPERS[desc.typeName] !== undefined || SPECIAL_WKT.has(desc.typeName));
  if (isWkt) walkMessage(desc, rest.value, join(path, "value"), errors);
  else walkMessage(desc, rest, path, errors);
}

const SPECIAL_WKT = new Set([
  "google.protobuf.Any",
  "google.protobuf.Duration",
  "google.protobuf.Timestamp",
  "google.protobuf.FieldMask",
  "google.protobuf.Struct",
  "google.protobuf.ListValue",
  "google.protobuf.Value",
]);

const WRAPPERS: Record<string, ScalarType> = {
  "google.protobuf.DoubleValue": ScalarType.DOUBLE,
  "google.protobuf.FloatValue": ScalarType.FLOAT,
  "google.protobuf.Int64Value": ScalarType.INT64,
  "google.protobuf.UInt64Value": ScalarType.UINT64,
  "google.protobuf.Int32Value": ScalarType.INT32,
  "google.protobuf.UInt32Value": ScalarType.UINT32,
  "google.protobuf.BoolValue": ScalarType.BOOL,
  "google.protobuf.StringValue": ScalarType.STRING,
  "google.protobuf.BytesValue": ScalarType.BYTES,
};

function suggest(key: string, names: string[]): string {
  const snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  let best: string | undefined;
  let bestDist = 3;
  for (const n of names) {
    const d = distance(snake, n);
    if (d < bestDist) [best, bestDist] = [n, d];
  }
  return best ? ` (did you mean "${best}"?)` : "";
}
