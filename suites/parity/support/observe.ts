// What one batch of client requests showed, and the judgements the parity checks make about it. A
// judgement returns undefined when the observation is as expected, else one sentence saying what was seen.
import { gTest } from "../../../harness/traffic/stats/g-test.ts";
import type { ProbeRecord } from "./topology.ts";

export interface Traffic {
  /** Row label in the table, e.g. "port 80, new connection per request". */
  label: string;
  /** The Service port the client dials on the ClusterIP. */
  port: number;
  count: number;
  keepAlive?: boolean;
}

export interface Observation {
  traffic: Traffic;
  records: ProbeRecord[];
  /** Answers per backend id (`<pod>:<port>`), 200s only. */
  backends: Record<string, number>;
  /** Every outcome: "200 echo-0:8080", "503 no healthy upstream", "connect-refused", … */
  outcomes: Record<string, number>;
}

export function outcomeOf(r: ProbeRecord): string {
  if (r.error) return r.errorCode ? `${r.error} (${r.errorCode})` : r.error;
  if (r.status === 200) return `200 ${r.backend ?? "?"}`;
  return `${r.status} ${(r.body ?? "").trim().slice(0, 40)}`.trim();
}

export function observe(traffic: Traffic, records: ProbeRecord[]): Observation {
  const backends: Record<string, number> = {};
  const outcomes: Record<string, number> = {};
  for (const r of records) {
    if (r.status === 200 && r.backend) backends[r.backend] = (backends[r.backend] ?? 0) + 1;
    const o = outcomeOf(r);
    outcomes[o] = (outcomes[o] ?? 0) + 1;
  }
  return { traffic, records, backends, outcomes };
}

/** "echo-0:8080 ×52, echo-1:8080 ×49" — the table cell text. */
export function summary(o: Observation): string {
  return Object.entries(o.outcomes)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k} ×${n}`)
    .join(", ");
}

/** Every request answered 200, by exactly the backends in `want` (each at least once). */
export function servedExactlyBy(o: Observation, want: string[]): string | undefined {
  const failed = o.records.filter((r) => r.status !== 200).length;
  if (failed > 0) return `expected all ${o.records.length} answered 200, got ${failed} not (${summary(o)})`;
  const got = Object.keys(o.backends).sort();
  const wanted = [...want].sort();
  if (JSON.stringify(got) !== JSON.stringify(wanted))
    return `expected answers from exactly ${wanted.join(", ")}, got ${summary(o)}`;
  return undefined;
}

/** Every request answered 200 by one single backend, any of `allowed`. */
export function pinnedToOne(o: Observation, allowed: string[]): string | undefined {
  const failed = o.records.filter((r) => r.status !== 200).length;
  const got = Object.keys(o.backends);
  if (failed === 0 && got.length === 1 && allowed.includes(got[0]!)) return undefined;
  return `expected every request answered by one backend (one of ${allowed.join(", ")}), got ${summary(o)}`;
}

/**
 * Uniform over `want` at significance alpha (G-test with Williams' correction; false-fail rate alpha
 * per path), with every request answered 200 and none answered elsewhere.
 */
export function uniformOver(o: Observation, want: string[], alpha = 0.001): string | undefined {
  const exact = servedExactlyBy(o, want);
  if (exact) return exact;
  const counts = want.map((b) => o.backends[b] ?? 0);
  const { pValue, g } = gTest(
    counts,
    want.map(() => 1),
    true,
  );
  if (pValue < alpha)
    return `expected a uniform spread over ${want.length} endpoints, got ${summary(o)} (G=${g.toFixed(1)}, p=${pValue.toExponential(2)} < α=${alpha})`;
  return undefined;
}

/** Every request failed the same way (an error kind, or an HTTP status). */
export function allFailWith(o: Observation, kind: string, bodyPattern?: RegExp): string | undefined {
  const bad = o.records.filter((r) => {
    if (/^\d+$/.test(kind))
      return String(r.status) !== kind || (bodyPattern && !bodyPattern.test(r.body ?? ""));
    return r.error !== kind;
  });
  if (bad.length === 0) return undefined;
  return `expected all ${o.records.length} requests to end in ${kind}${bodyPattern ? ` ${bodyPattern}` : ""}, got ${summary(o)}`;
}
