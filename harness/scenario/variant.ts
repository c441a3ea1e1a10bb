// A transport variant of a matrix cell: how the data plane subscribes (DESIGN.md §4).
import type { XdsMode, XdsTransport } from "../dataplanes/types.ts";

export interface Variant {
  transport: XdsTransport;
  mode: XdsMode;
}

export const GRPC_VARIANTS: Variant[] = [
  { transport: "sotw", mode: "ads" },
  { transport: "delta", mode: "ads" },
  { transport: "sotw", mode: "per-type" },
  { transport: "delta", mode: "per-type" },
];

export const ALL_VARIANTS: Variant[] = [
  ...GRPC_VARIANTS,
  { transport: "sotw", mode: "rest" },
  { transport: "sotw", mode: "file" },
];

export function variantName(v: Variant): string {
  return v.mode === "rest" || v.mode === "file" ? v.mode : `${v.transport}-${v.mode}`;
}

export function parseVariant(name: string): Variant | undefined {
  return ALL_VARIANTS.find((v) => variantName(v) === name);
}
