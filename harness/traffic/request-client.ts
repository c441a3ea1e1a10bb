// The one-request-at-a-time clients the load driver uses: HTTP/1.1 (node:http) and HTTP/2 with prior
// knowledge over cleartext (node:http2). A client never rejects: every outcome becomes a result so that
// every request sent gets a record.

import { classifyError, nowMs, RequestTimeoutError, type TrafficErrorKind } from "./traffic-record.ts";

export type DriverProtocol = "http1" | "h2c";

export interface RequestOutcome {
  endedAt: number;
  status?: number;
  backend?: string;
  responseFlags?: string;
  error?: TrafficErrorKind;
  errorMessage?: string;
}

export interface RequestClientOptions {
  url: URL;
  headers: Record<string, string>;
  timeoutMs: number;
  /** A fresh connection for every request (for splits decided per connection); default: reuse. */
  newConnectionPerRequest: boolean;
}

export interface RequestClient {
  send(): Promise<RequestOutcome>;
  /** Closes pooled connections; in-flight requests fail. */
  close(): void;
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(",") : value;
}

export type ResponseHead = Pick<RequestOutcome, "status" | "backend" | "responseFlags">;

/** What a client reports while one request runs: the first `finish` or `fail` settles it, later calls are no-ops. */
export interface OutcomeSink {
  /** The response head arrived (status and identity headers); the body is still to come. */
  response(head: ResponseHead): void;
  /** The response ended. */
  finish(): void;
  fail(error: unknown): void;
}

/**
 * One request, settled exactly once: `start` issues it, reports to the sink, and returns how to abort it.
 * After `timeoutMs` the outcome is a RequestTimeoutError and the request is aborted; a throwing `start`
 * is a failed outcome, never a rejection.
 */
export function settleOnce(
  timeoutMs: number,
  start: (sink: OutcomeSink) => (error: Error) => void,
): Promise<RequestOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    let head: ResponseHead = {};
    let abort: ((error: Error) => void) | undefined;
    const timer = setTimeout(() => {
      const error = new RequestTimeoutError(timeoutMs);
      sink.fail(error);
      abort?.(error);
    }, timeoutMs);
    const settle = (outcome: Omit<RequestOutcome, "endedAt">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...head, ...outcome, endedAt: nowMs() });
    };
    const sink: OutcomeSink = {
      response: (h) => (head = h),
      finish: () => settle({}),
      fail: (error) =>
        settle({ error: classifyError(error), errorMessage: (error as Error)?.message ?? String(error) }),
    };
    try {
      abort = start(sink);
    } catch (error) {
      sink.fail(error);
    }
  });
}
