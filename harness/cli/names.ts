// The names used on the command line and in reports. Stable: others may be added, none renamed.
import type { SuiteName } from "../checks/types.ts";
import { ALL_VARIANTS, variantName, type Variant } from "../scenario/variant.ts";
import { UsageError } from "./errors.ts";

export const SUITE_NAMES: SuiteName[] = [
  "smoke",
  "ordering",
  "make-before-break",
  "traffic-split",
  "protocol",
  "parity",
];
export const CONTROL_PLANE_NAMES = ["reference", "go-control-plane", "kube-reference", "external"] as const;
export const DATA_PLANE_NAMES = ["envoy", "envoy-container", "grpc-js", "grpc-go", "command"] as const;
export const VARIANT_NAMES = ALL_VARIANTS.map(variantName);

/** Splits "a,b" lists and rejects unknown names with the known ones listed. */
export function parseNames<T extends string>(
  flag: string,
  value: string | string[] | undefined,
  known: readonly T[],
): T[] | undefined {
  if (value === undefined) return undefined;
  const names = (Array.isArray(value) ? value : [value])
    .flatMap((v) => v.split(","))
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !known.includes(n as T));
  if (unknown.length > 0) {
    throw new UsageError(
      `${flag}: unknown ${unknown.map((u) => `"${u}"`).join(", ")} (known: ${known.join(", ")})`,
    );
  }
  return names as T[];
}

export function parseVariants(value: string | string[] | undefined): Variant[] | undefined {
  const names = parseNames("--variant", value, VARIANT_NAMES);
  return names?.map((n) => ALL_VARIANTS.find((v) => variantName(v) === n)!);
}
