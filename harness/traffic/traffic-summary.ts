// Aggregates of a run's TrafficRecords, for evidence excerpts, metrics and quick assertions.

import { isLoss, type TrafficRecord } from "./traffic-record.ts";

export interface TrafficSummary {
  total: number;
  losses: number;
  /** Requests answered, per `x-backend-id` (responses without the header are not counted here). */
  byBackend: Record<string, number>;
  /** Responses per HTTP status. */
  byStatus: Record<string, number>;
  /** Failed requests per error kind. */
  byError: Record<string, number>;
  /** sentAt of the earliest and latest lost request (epoch ms). */
  firstLossAt?: number;
  lastLossAt?: number;
  /** Latency percentiles (nearest rank) over requests that got a response. */
  latencyP50Ms?: number;
  latencyP99Ms?: number;
  /** Requests per second between the first and last send. */
  achievedRatePerSec?: number;
  /** Largest sentAt − scheduledAt: how far the driver fell behind its schedule. */
  maxSendLagMs: number;
}

export function summarize(records: readonly TrafficRecord[]): TrafficSummary {
  const summary: TrafficSummary = {
    total: records.length,
    losses: 0,
    byBackend: {},
    byStatus: {},
    byError: {},
    maxSendLagMs: 0,
  };
  const latencies: number[] = [];
  for (const r of records) {
    if (r.backend !== undefined) summary.byBackend[r.backend] = (summary.byBackend[r.backend] ?? 0) + 1;
    if (r.status !== undefined) {
      summary.byStatus[r.status] = (summary.byStatus[r.status] ?? 0) + 1;
      latencies.push(r.latencyMs);
    }
    if (r.error !== undefined) summary.byError[r.error] = (summary.byError[r.error] ?? 0) + 1;
    if (isLoss(r)) {
      summary.losses += 1;
      summary.firstLossAt = Math.min(summary.firstLossAt ?? Infinity, r.sentAt);
      summary.lastLossAt = Math.max(summary.lastLossAt ?? -Infinity, r.sentAt);
    }
    summary.maxSendLagMs = Math.max(summary.maxSendLagMs, r.sentAt - r.scheduledAt);
  }
  latencies.sort((a, b) => a - b);
  if (latencies.length > 0) {
    summary.latencyP50Ms = percentile(latencies, 0.5);
    summary.latencyP99Ms = percentile(latencies, 0.99);
  }
  if (records.length >= 2) {
    let first = Infinity;
    let last = -Infinity;
    for (const r of records) {
      first = Math.min(first, r.sentAt);
      last = Math.max(last, r.sentAt);
    }
    const spanMs = last - first;
    if (spanMs > 0) summary.achievedRatePerSec = ((records.length - 1) * 1000) / spanMs;
  }
  return summary;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
