// The one-request-at-a-time clients the load driver uses: HTTP/1.1 (node:http) and HTTP/2 with prior
// knowledge over cleartext (node:http2). A client never rejects: every outcome becomes a result so that
// every request sent gets a record.

import type { TrafficErrorKind } from "./traffic-record.ts";

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
