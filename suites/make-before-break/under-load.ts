// The shape every make-before-break check shares: open-loop load through the data plane (every request
// recorded), the fixture's state changes sent once half the load was answered — so the change sits in
// the middle of the load — and a verdict that counts every lost request and when it was lost relative
// to the first config send.
import type { CheckContext } from "../../harness/checks/context.ts";
import { fail, pass } from "../../harness/checks/define.ts";
import type { Evidence, Verdict } from "../../harness/checks/types.ts";
import { analyzeOrdering, formatViolation } from "../../harness/checks/ordering-analysis.ts";
import { waitFor } from "../../harness/dataplanes/envoy-admin.ts";
import type { Scenario } from "../../harness/scenario/scenario.ts";
import { runTimeline } from "../../harness/scenario/timeline.ts";
import { isLoss, runConstantRate, type TrafficRecord } from "../../harness/traffic/load-driver.ts";
import { lossFlags, nowMs } from "../../harness/traffic/traffic-record.ts";

/** 250 req/s × 8 s = 2,000 requests per listener, the change after ~1,000 were answered. */
export const RATE_PER_SEC = 250;
export const REQUESTS = 2000;

export interface LoadPlan {
  listener: string;
  /**
   * "per-request" where the change is per connection (a replaced filter chain serves new connections
   * only; kept-alive ones stay on the old chain until drained), "reuse" where it applies to every request.
   */
  connection: "reuse" | "per-request";
  /** The listener does not exist before the change: connection refusals before it first answered are not losses. */
  newListener?: boolean;
}

export interface UnderLoadResult {
  scenario: Scenario;
  records: Map<string, TrafficRecord[]>;
  /** Epoch ms when the first config change was handed to the control plane, and when all were ACKed. */
  changeAt: number;
  settledAt: number;
  log: string[];
}

export async function runUnderLoad(
  ctx: CheckContext,
  plans: LoadPlan[],
  requests = REQUESTS,
  /** Called when the change starts, e.g. to sample the data plane's admin API during it. */
  onChange?: (stack: Scenario["stack"]) => void,
): Promise<UnderLoadResult> {
  const scenario = await ctx.startScenario();
  const { stack, fixture } = scenario;
  ctx.phase(`load: ${plans.map((p) => p.listener).join(", ")} at ${RATE_PER_SEC}/s`);
  const runs = plans.map((p) =>
    runConstantRate({
      url: stack.url(p.listener),
      ratePerSec: RATE_PER_SEC,
      count: requests,
      timeoutMs: 3000,
      newConnectionPerRequest: p.connection === "per-request",
      signal: ctx.signal,
    }).then((r) => [p.listener, r] as const),
  );
  const answered = () => [...stack.backends.values()].reduce((n, b) => n + b.getCount(), 0);
  const half = Math.floor(requests / 2);
  await waitFor(
    async () =>
      answered() >= half ? { done: true, value: 0 } : { done: false, seen: `${answered()} answered` },
    {
      what: `backends answering ${half} requests of the load`,
      timeoutMs: (2 * requests * 1000) / RATE_PER_SEC,
      intervalMs: 20,
    },
  );
  ctx.phase("changing the configuration under load");
  const changeAt = nowMs();
  onChange?.(stack);
  const steps = fixture.timeline.filter(
    (s) => s.kind === "apply" || s.kind === "remove" || s.kind === "wait",
  );
  const timeline = await runTimeline(stack, { ...fixture, timeline: steps }, { signal: ctx.signal });
  const settledAt = nowMs();
  ctx.phase("waiting for the load to finish");
  const records = new Map(await Promise.all(runs));
  for (const p of plans.filter((x) => x.newListener)) {
    const all = records.get(p.listener)!;
    const first = all.findIndex((r) => r.error !== "connect-refused");
    records.set(p.listener, first < 0 ? all : all.slice(first));
  }
  return { scenario, records, changeAt, settledAt, log: timeline.log };
}

/** Zero lost requests, and the change took effect (the new backends answered some of the load). */
export function lossVerdict(result: UnderLoadResult, expectBackends: string[]): Verdict {
  const { records, changeAt, settledAt } = result;
  const all = [...records.values()].flat();
  const lost = all.filter(isLoss).sort((a, b) => a.sentAt - b.sentAt);
  const rel = (t: number) => Math.round(t - changeAt);
  const byKind = new Map<string, number>();
  for (const r of lost) {
    const kind = r.error ?? (lossFlags(r.responseFlags).join(",") || `status ${r.status}`);
    byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
  }
  const backends = new Map<string, number>();
  for (const r of all) if (r.backend) backends.set(r.backend, (backends.get(r.backend) ?? 0) + 1);
  const entries = result.scenario.stack.tap.entries();
  const violations = analyzeOrdering(entries);
  const t0 = entries[0]?.at ?? 0;
  const metrics: Record<string, number | string> = {
    requests: all.length,
    losses: lost.length,
    ratePerSec: RATE_PER_SEC,
    sentBeforeChange: all.filter((r) => r.sentAt < changeAt).length,
    changeDurationMs: rel(settledAt),
    ...Object.fromEntries([...backends].map(([b, n]) => [`backend.${b}`, n])),
  };
  if (lost.length > 0) {
    metrics.lossWindowStartMs = rel(lost[0]!.sentAt);
    metrics.lossWindowEndMs = rel(lost.at(-1)!.sentAt);
  }
  const evidence: Evidence[] = [
    { label: "traffic records", file: "traffic.jsonl", content: all, excerpt: JSON.stringify(metrics) },
    {
      label: "lost requests",
      file: "lost.jsonl",
      content: lost,
      excerpt: lost
        .slice(0, 5)
        .map((r) => `+${rel(r.sentAt)}ms ${r.error ?? r.status} ${r.responseFlags ?? ""}`)
        .join("\n"),
    },
    { label: "timeline log", file: "timeline.log", content: result.log.join("\n") },
    {
      label: "ordering violations",
      file: "ordering-violations.txt",
      content: violations.map((v) => formatViolation(v, t0)).join("\n") || "none",
    },
  ];
  if (lost.length > 0) {
    const kinds = [...byKind].map(([k, n]) => `${k}×${n}`).join(", ");
    const cause = violations[0] ? `; transcript: ${formatViolation(violations[0], t0)}` : "";
    return fail(
      `lost requests: expected 0, got ${lost.length} of ${all.length} (${kinds}), sent +${rel(lost[0]!.sentAt)}ms..+${rel(lost.at(-1)!.sentAt)}ms after the first config send (settled at +${rel(settledAt)}ms)${cause}`,
      evidence,
      metrics,
    );
  }
  const missing = expectBackends.filter((b) => !backends.get(b));
  if (missing.length > 0)
    return fail(
      `backends ${missing.map((b) => `"${b}"`).join(", ")}: expected some of the load after the change, got none (the change did not take effect under load)`,
      evidence,
      metrics,
    );
  return pass(evidence, metrics);
}
