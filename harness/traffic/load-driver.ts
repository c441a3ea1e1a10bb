// Load driver: sends GET requests to a URL (an Envoy listener or a backend on loopback) and returns one
// TrafficRecord per request sent. Two shapes:
// - runFixedCount: closed loop, `concurrency` workers each send the next request when theirs finished.
// - runConstantRate: open loop, request i is due at t0 + i/rate on the monotonic clock and is sent then,
//   whether or not earlier requests were answered; if the event loop lags, every overdue request is sent at
//   once (catch-up) and the lag shows as sentAt − scheduledAt. A slow or stalled data plane therefore
//   cannot slow the offered load down and hide losses (the coordinated-omission trap).
// Every run is bounded: a finite request count (≤ MAX_REQUESTS), a per-request timeout, an optional
// schedule cap `maxRunMs` and an AbortSignal that stop sending; requests already sent still end in a
// record within timeoutMs.

import { createH2cClient } from "./h2c-client.ts";
import { createHttp1Client } from "./http1-client.ts";
import type { DriverProtocol, RequestClient } from "./request-client.ts";
import { nowMs, type TrafficRecord } from "./traffic-record.ts";

export { isLoss, lossFlags, type TrafficErrorKind, type TrafficRecord } from "./traffic-record.ts";
export { summarize, type TrafficSummary } from "./traffic-summary.ts";
export type { DriverProtocol } from "./request-client.ts";

export const MAX_REQUESTS = 1_000_000;

export interface DriverOptions {
  url: string;
  /** Per-request limit from send to the end of the response body. */
  timeoutMs: number;
  protocol?: DriverProtocol;
  newConnectionPerRequest?: boolean;
  headers?: Record<string, string>;
  /** Stop scheduling new requests after this long (default: unlimited; the count bounds the run). */
  maxRunMs?: number;
  /** Stop scheduling new requests when aborted; requests in flight still complete. */
  signal?: AbortSignal;
}

export interface FixedCountOptions extends DriverOptions {
  count: number;
  concurrency: number;
}

export interface ConstantRateOptions extends DriverOptions {
  ratePerSec: number;
  /** Schedule length; with `count` too, whichever ends first. */
  durationMs?: number;
  count?: number;
}

export async function runFixedCount(options: FixedCountOptions): Promise<TrafficRecord[]> {
  const { count, concurrency } = options;
  checkCount("count", count);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`runFixedCount concurrency: expected an integer >= 1, got ${concurrency}`);
  }
  const client = createClient(options);
  const stopped = stopCondition(options);
  const records: TrafficRecord[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count && !stopped()) {
      const seq = next++;
      const sentAt = nowMs();
      records.push(await sendRecorded(client, seq, sentAt, sentAt));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  } finally {
    client.close();
  }
  return records.sort((a, b) => a.seq - b.seq);
}

export async function runConstantRate(options: ConstantRateOptions): Promise<TrafficRecord[]> {
  const { ratePerSec, durationMs, count } = options;
  if (!(ratePerSec > 0 && Number.isFinite(ratePerSec))) {
    throw new RangeError(`runConstantRate ratePerSec: expected a finite rate > 0, got ${ratePerSec}`);
  }
  if (durationMs === undefined && count === undefined) {
    throw new RangeError(
      "runConstantRate: expected durationMs or count, got neither (the run must be bounded)",
    );
  }
  const intervalMs = 1000 / ratePerSec;
  const byDuration = durationMs === undefined ? Infinity : Math.ceil(durationMs / intervalMs);
  const total = Math.min(count ?? Infinity, byDuration);
  checkCount("request count", total);

  const client = createClient(options);
  const stopped = stopCondition(options);
  const inFlight: Promise<TrafficRecord>[] = [];
  const t0 = performance.now();
  const dueAt = (seq: number) => t0 + seq * intervalMs;
  try {
    await new Promise<void>((resolve) => {
      let next = 0;
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", done);
        resolve();
      };
      const tick = () => {
        while (next < total && dueAt(next) <= performance.now() && !stopped()) {
          inFlight.push(sendRecorded(client, next, performance.timeOrigin + dueAt(next), nowMs()));
          next++;
        }
        if (next >= total || stopped()) return done();
        timer = setTimeout(tick, Math.max(0, dueAt(next) - performance.now()));
      };
      options.signal?.addEventListener("abort", done);
      tick();
    });
    return await Promise.all(inFlight);
  } finally {
    client.close();
  }
}

async function sendRecorded(
  client: RequestClient,
  seq: number,
  scheduledAt: number,
  sentAt: number,
): Promise<TrafficRecord> {
  const outcome = await client.send().catch((error: unknown) => ({
    endedAt: nowMs(),
    error: "other" as const,
    errorMessage: `request client threw: ${(error as Error)?.message ?? String(error)}`,
  }));
  const { endedAt, ...rest } = outcome;
  return { seq, scheduledAt, sentAt, endedAt, latencyMs: endedAt - sentAt, ...rest };
}

function createClient(options: DriverOptions): RequestClient {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new RangeError(`load driver url: expected an absolute http:// URL, got "${options.url}"`);
  }
  if (url.protocol !== "http:") {
    throw new RangeError(`load driver url: expected an http:// URL (cleartext), got "${options.url}"`);
  }
  if (!(options.timeoutMs > 0 && Number.isFinite(options.timeoutMs))) {
    throw new RangeError(`load driver timeoutMs: expected a finite value > 0, got ${options.timeoutMs}`);
  }
  const clientOptions = {
    url,
    headers: options.headers ?? {},
    timeoutMs: options.timeoutMs,
    newConnectionPerRequest: options.newConnectionPerRequest ?? false,
  };
  return options.protocol === "h2c" ? createH2cClient(clientOptions) : createHttp1Client(clientOptions);
}

function stopCondition(options: DriverOptions): () => boolean {
  const deadline = performance.now() + (options.maxRunMs ?? Infinity);
  return () => options.signal?.aborted === true || performance.now() >= deadline;
}

function checkCount(name: string, count: number): void {
  if (!Number.isInteger(count) || count < 0 || count > MAX_REQUESTS) {
    throw new RangeError(`load driver ${name}: expected an integer in [0, ${MAX_REQUESTS}], got ${count}`);
  }
}
