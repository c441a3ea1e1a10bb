// HTTP/2 prior-knowledge cleartext client for the load driver. Reuse means one multiplexed session (a new
// one when the old was closed, e.g. after GOAWAY); newConnectionPerRequest opens a session per request and
// closes it after the response.

import http2 from "node:http2";
import {
  headerValue,
  settleOnce,
  type RequestClient,
  type RequestClientOptions,
  type RequestOutcome,
} from "./request-client.ts";

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
  return settleOnce(options.timeoutMs, (sink) => {
    const stream = session.request(headers, { endStream: true });
    stream.on("response", (h) =>
      sink.response({
        status: Number(h[":status"]),
        backend: headerValue(h["x-backend-id"]),
        responseFlags: headerValue(h["x-envoy-response-flags"]),
      }),
    );
    stream.on("data", () => {});
    stream.on("end", () => sink.finish());
    stream.on("error", sink.fail);
    stream.on("close", () => {
      const message = `stream closed before the response ended (RST_STREAM code ${stream.rstCode})`;
      sink.fail(Object.assign(new Error(message), { code: "ERR_HTTP2_STREAM_ERROR" }));
    });
    return () => stream.close(http2.constants.NGHTTP2_CANCEL);
  });
}
