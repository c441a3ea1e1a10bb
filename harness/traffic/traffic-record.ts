// One record per request a load driver sent, and what counts as a lost request. The make-before-break and
// traffic-split suites judge a data plane from these records, so every request sent gets one, errors
// included, with its scheduled and actual send times.

export type TrafficErrorKind = "connect-refused" | "connect-reset" | "timeout" | "protocol" | "other";

export interface TrafficRecord {
  seq: number;
  /** When the schedule wanted the request sent (epoch ms from performance.timeOrigin). */
  scheduledAt: number;
  /** When the request was handed to the client (epoch ms); sentAt − scheduledAt is the send lag. */
  sentAt: number;
  /** When the response ended or the request failed (epoch ms). */
  endedAt: number;
  latencyMs: number;
  status?: number;
  /** `x-backend-id` of the echo backend that answered. */
  backend?: string;
  /** `x-envoy-response-flags`, when the data plane is configured to add it (e.g. "UH", "NC,URX"). */
  responseFlags?: string;
  error?: TrafficErrorKind;
  errorMessage?: string;
}

/** Epoch ms with sub-ms resolution, on the monotonic clock (immune to wall-clock steps during a run). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

// Envoy response flags that mean the request did not reach a healthy upstream or was cut short
// (https://www.envoyproxy.io/docs/envoy/latest/configuration/observability/access_log/usage#command-operators,
// %RESPONSE_FLAGS%). Flags about delays, rate limits by policy or auth are not losses of the data path.
const LOSS_FLAGS = new Set([
  "NC", // no cluster found
  "NR", // no route configured
  "UH", // no healthy upstream hosts
  "UF", // upstream connection failure
  "URX", // upstream retry limit exceeded
  "UO", // upstream overflow (circuit breaking)
  "UC", // upstream connection termination
  "UR", // upstream remote reset
  "LR", // connection local reset
  "UT", // upstream request timeout
  "DC", // downstream connection termination
  "LH", // local service failed health check
  "UMSDR", // upstream max stream duration reached
  "UPE", // upstream protocol error
  "DPE", // downstream protocol error
  "OM", // overload manager terminated the request
  "DF", // DNS resolution failed
  "NFCF", // no filter chain found
]);

/** A request was lost: it failed, got a 5xx (Envoy's 503 included), or carries a loss response flag. */
export function isLoss(record: TrafficRecord): boolean {
  if (record.error !== undefined) return true;
  if (record.status !== undefined && record.status >= 500) return true;
  return lossFlags(record.responseFlags).length > 0;
}

export function lossFlags(responseFlags: string | undefined): string[] {
  if (!responseFlags) return [];
  return responseFlags
    .split(/[,|]/)
    .map((flag) => flag.trim())
    .filter((flag) => LOSS_FLAGS.has(flag));
}

/** Thrown into a request the driver gives up on, so the classifier can tell it from peer errors. */
export class RequestTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`request: expected a complete response within ${timeoutMs}ms, got none`);
    this.name = "RequestTimeoutError";
  }
}

const RESET_CODES = new Set([
  "ECONNRESET",
  "EPIPE",
  "ECONNABORTED",
  "ERR_HTTP2_STREAM_ERROR",
  "ERR_HTTP2_GOAWAY_SESSION",
  "ERR_HTTP2_STREAM_CANCEL",
  "ERR_STREAM_PREMATURE_CLOSE",
]);

/** Maps a node:http / node:http2 client error to a kind; a wrapped cause (http2 streams) wins. */
export function classifyError(error: unknown): TrafficErrorKind {
  if (error instanceof RequestTimeoutError) return "timeout";
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  if (cause instanceof Error && (cause as NodeJS.ErrnoException).code) return classifyError(cause);
  const code = String((error as NodeJS.ErrnoException | undefined)?.code ?? "");
  if (code === "ECONNREFUSED") return "connect-refused";
  if (code === "ETIMEDOUT") return "timeout";
  if (RESET_CODES.has(code)) return "connect-reset";
  if (code.startsWith("HPE_") || code.startsWith("ERR_HTTP2_") || code === "ERR_INVALID_HTTP_RESPONSE") {
    return "protocol";
  }
  return "other";
}
