// Split sampler: sends requests through a data plane in batches and feeds each routing decision to a
// sequential test (SplitSprt) until it decides or the sample cap is reached, or collects a fixed number
// of samples for a fixed-n test (binomial, G-test). Every request sent is returned, errors included, so a
// caller can count them client-side and cross-check the backends' own counts.
//
// Batches trade overshoot for throughput: the test reads samples in send order and freezes at its first
// boundary crossing, so the requests of the last batch beyond that point are sent and recorded but do not
// change the decision (the test's error rates are about its stopping rule, not about what was sent after).

import { runFixedCount, type DriverOptions } from "./load-driver.ts";
import {
  SplitSprt,
  type SplitSprtDesign,
  type SplitSprtOptions,
  type SplitSprtState,
} from "./stats/split-sprt.ts";
import { designSplitSprt } from "./stats/split-sprt-design.ts";
import type { TrafficRecord } from "./traffic-record.ts";
import { fixedSampleSize } from "./stats/sample-size.ts";

/** Sends `count` requests and returns one record per request sent. */
export type RequestSource = (count: number) => Promise<TrafficRecord[]>;

export interface SequentialPlan extends SplitSprtOptions {
  /** The target whose share is tested (a key returned by `classify`). */
  target: string;
  /** Boundaries calibrated for the plan's cap, with their exact error rates (calibrated on first use if absent). */
  design?: SplitSprtDesign;
}

export interface SplitSamplerOptions {
  source: RequestSource;
  /** Which target a record counts for; undefined: no target (an error, an unknown backend). */
  classify: (record: TrafficRecord) => string | undefined;
  /** Sequential: stop at the SPRT's decision or its cap. */
  sequential?: SequentialPlan;
  /** Fixed: exactly this many samples; with `sequential`: at least this many (e.g. for a zero-count guard). */
  fixedSamples?: number;
  batchSize: number;
  /** Records that are not samples (e.g. sent before the data plane ACKed): sent and kept, not tested. */
  isSample?: (record: TrafficRecord) => boolean;
  /** Stops sampling; the result says so. */
  signal?: AbortSignal;
  /** Called after every batch, e.g. to report progress. */
  onBatch?: (samples: number, state?: SplitSprtState) => void;
}

export type SamplerDecision = "accept-h0" | "reject-h0" | "inconclusive" | "complete" | "aborted";

export interface SplitSample {
  decision: SamplerDecision;
  /** Every request sent, in send order (seq renumbered across batches). */
  records: TrafficRecord[];
  /** Samples the decision rests on (for the SPRT: up to its stopping point). */
  samples: TrafficRecord[];
  /** Samples per target; samples with no target under "(none)". */
  counts: Record<string, number>;
  sprt?: SplitSprtState;
}

export const NO_TARGET = "(none)";

/**
 * The sequential plan for "target's share is `expected` within ±`tolerance`" at false-fail rate α and the
 * given power. The cap is twice the fixed-n test's size for the same α and power: the test's sample count
 * is largest between p0 and p0 ± δ, and the boundaries are calibrated for this cap (split-sprt-design.ts),
 * so the cap's cost in power is already paid for in the exact rates the plan's design reports.
 */
export function sequentialPlan(
  target: string,
  expected: number,
  tolerance: number,
  alpha: number,
  power: number,
): SequentialPlan {
  const maxSamples = 2 * fixedSampleSize(expected, tolerance, alpha, power);
  const options = { expected, tolerance, alpha, beta: 1 - power, maxSamples };
  return { target, ...options, design: designSplitSprt(options) };
}

export async function sampleSplit(options: SplitSamplerOptions): Promise<SplitSample> {
  const { source, classify, sequential, batchSize } = options;
  if (!(Number.isInteger(batchSize) && batchSize >= 1))
    throw new RangeError(`sampleSplit batchSize: expected an integer >= 1, got ${batchSize}`);
  const minimum = options.fixedSamples ?? 0;
  const wanted = sequential ? Math.max(sequential.maxSamples, minimum) : minimum;
  if (!(Number.isInteger(wanted) && wanted >= 1))
    throw new RangeError(`sampleSplit: expected a sequential plan or fixedSamples >= 1, got ${wanted}`);
  const sprt = sequential ? new SplitSprt(sequential) : undefined;
  const isSample = options.isSample ?? (() => true);
  const records: TrafficRecord[] = [];
  const samples: TrafficRecord[] = [];
  let decision: SamplerDecision | undefined;
  while (decision === undefined) {
    if (options.signal?.aborted) {
      decision = "aborted";
      break;
    }
    const open = sprt?.decision === "continue" ? wanted : minimum;
    const batch = await source(Math.min(batchSize, Math.max(1, open - samples.length)));
    if (batch.length === 0) throw new Error("sampleSplit source: expected records, got an empty batch");
    for (const record of batch) {
      records.push({ ...record, seq: records.length });
      const testing = sprt?.decision === "continue";
      if (!isSample(record) || (!testing && samples.length >= minimum)) continue;
      samples.push(records.at(-1)!);
      if (testing) sprt!.feed(classify(record) === sequential!.target);
    }
    const state = sprt?.state();
    options.onBatch?.(samples.length, state);
    const enough = samples.length >= minimum;
    if (state && state.decision !== "continue" && enough) decision = state.decision;
    else if (!sprt && enough) decision = "complete";
  }
  const counts: Record<string, number> = {};
  for (const r of samples) {
    const key = classify(r) ?? NO_TARGET;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return { decision, records, samples, counts, sprt: sprt?.state() };
}

/** A source that drives requests through `url` with the load driver (closed loop). */
export function driverSource(options: DriverOptions & { concurrency: number }): RequestSource {
  return (count) => runFixedCount({ ...options, count });
}

/** A simulated source: each request reaches target i with probability shares[i] (seeded, for tests). */
export function simulatedSource(
  random: () => number,
  backends: readonly string[],
  shares: readonly number[],
): RequestSource {
  let seq = 0;
  return async (count) =>
    Array.from({ length: count }, () => {
      let u = random();
      let k = 0;
      while (k < shares.length - 1 && u >= shares[k]) u -= shares[k++];
      const t = seq++;
      return {
        seq: t,
        scheduledAt: t,
        sentAt: t,
        endedAt: t,
        latencyMs: 0,
        status: 200,
        backend: backends[k],
      };
    });
}
