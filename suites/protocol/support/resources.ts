// Small states for control-plane checks: EDS clusters and their load assignments, by name. A cluster
// "changes" between versions by its connect timeout, so each version differs only where a check says.
import type { JsonObject } from "../../../harness/proto/codec.ts";
import { edsCluster, loadAssignment } from "../../../harness/xds/resources.ts";

export function clusters(spec: Record<string, string>): JsonObject[] {
  return Object.entries(spec).map(([name, timeout]) => edsCluster(name, { connectTimeout: timeout }));
}

export function assignments(spec: Record<string, number>): JsonObject[] {
  return Object.entries(spec).map(([name, port]) => loadAssignment(name, [{ port }]));
}

/** Clusters and load assignments for each name; `changed` names get a different timeout and port. */
export function state(names: string[], changed: string[] = []): JsonObject[] {
  const t = (n: string) => (changed.includes(n) ? "2s" : "1s");
  const p = (n: string) => (changed.includes(n) ? 9100 : 9000);
  return [
    ...clusters(Object.fromEntries(names.map((n) => [n, t(n)]))),
    ...assignments(Object.fromEntries(names.map((n) => [n, p(n)]))),
  ];
}
