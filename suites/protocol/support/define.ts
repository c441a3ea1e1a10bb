// Shared pieces of protocol check records: which variants a rule applies to, and twins made from the
// reference server's fault modes (each fault names the rule it breaks, harness/xds/faults.ts).
import type { Twin } from "../../../harness/checks/define.ts";
import type { Variant } from "../../../harness/scenario/variant.ts";
import { faultByName } from "../../../harness/xds/faults.ts";

export const grpcStreams = (v: Variant): boolean => v.mode === "ads" || v.mode === "per-type";
export const sotwStreams = (v: Variant): boolean => grpcStreams(v) && v.transport === "sotw";
export const deltaStreams = (v: Variant): boolean => grpcStreams(v) && v.transport === "delta";

export function faultTwin(name: string): Twin {
  const f = faultByName(name);
  return {
    name: `fault:${name}`,
    description: `${f.description} (breaks ${f.breaks})`,
    server: { faults: [name] },
  };
}

/** How long a "no response is owed" rule listens for a response that must not come. */
export const SILENCE_MS = 500;
