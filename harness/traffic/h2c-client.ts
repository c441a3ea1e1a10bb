// HTTP/2 prior-knowledge cleartext client for the load driver. Reuse means one multiplexed session (a new
// one when the old was closed, e.g. after GOAWAY); newConnectionPerRequest opens a session per request and
// closes it after the response.

import http2 from "node:http2";
import {
  headerValue,
  type RequestClient,
  type RequestClientOptions,
  type RequestOutcome,
} from "./request-client.ts";
import { classifyError, nowMs, RequestTimeoutError } from "./traffic-record.ts";

// Connection-specific headers are illegal in HTTP/2 (RFC 9113 §8.2.2); Host becomes :authority.
const FORBIDDEN = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"]);

export function createH2cClient(options: RequestClientOptions): RequestClient {
  const origin = options.url.origin;
  const sessions = new Set<http2.ClientHttp2Session>();
  let shared: http2.ClientHttp2Session | undefined;
  const connect = () => {
    const session = http2.connect(origin);
    sessions.add(session);
    // Streams carry the error to their request; an unhandled session error would crash the process.
    session.on("error", () => {});
    session.once("close", () => sessions.delete(session));
    return session;
  };
  const headers: http2.OutgoingHttpHeaders = {
    ":method": "GET",
    ":path": options.url.pathname + options.url.search,
  };
  for (const [name, value] of Object.entries(options.headers)) {
    const lower = name.toLowerCase();
    if (lower === "host") headers[":authority"] = value;
    else if (!FORBIDDEN.has(lower)) headers[lower] = value;
  }
  return {
    send: () => {
      let session: http2.ClientHttp2Session;
      if (options.newConnectionPerRequest) session = connect();
      else {
        if (!shared || shared.closed || shared.destroyed) shared = connect();
        session = shared;
      }
      return sendOne(session, headers, options).finally(() => {
        if (options.newConnectionPerRequest) session.close();
      });
    },
    close: () => {
      for (const session of sessions) session.destroy();
    },
  };
}

function sendOne(
  session: http2.ClientHttp2Session,
  headers: http2.OutgoingHttpHeaders,
  options: RequestClientOptions,
): Promise<RequestOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    let response: Omit<RequestOutcome, "endedAt"> = {};
    const finish = (outcome: Omit<RequestOutcome, "endedAt">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...response, ...outcome, endedAt: nowMs() });
    };
    const fail = (error: unknown) =>
      finish({ error: classifyError(error), errorMessage: (error as Error)?.message ?? String(error) });

    let stream: http2.ClientHttp2Stream;
    try {
      stream = session.request(headers, { endStream: true });
    } catch (error) {
      fail(error);
      return;
    }
    const timer = setTimeout(() => {
      const error = new RequestTimeoutError(options.timeoutMs);
      fail(error);
      stream.close(http2.constants.NGHTTP2_CANCEL);
    }, options.timeoutMs);
    stream.on("response", (h) => {
      response = {
        status: Number(h[":status"]),
        backend: headerValue(h["x-backend-id"]),
        responseFlags: headerValue(h["x-envoy-response-flags"]),
      };
    });
    stream.on("data", () => {});
    stream.on("end", () => finish({}));
    stream.on("error", fail);
    stream.on("close", () => {
      if (settled) return;
      const message = `stream closed before the response ended (RST_STREAM code ${stream.rstCode})`;
      fail(Object.assign(new Error(message), { code: "ERR_HTTP2_STREAM_ERROR" }));
    });
  });
}
