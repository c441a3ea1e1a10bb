// HTTP/1.1 client for the load driver: a keep-alive Agent reuses connections (as many as requests are in
// flight, so an open-loop schedule never queues behind a busy socket), or `agent: false` opens a new
// connection per request and closes it after the response ("Connection: close").

import http from "node:http";
import {
  headerValue,
  settleOnce,
  type RequestClient,
  type RequestClientOptions,
  type RequestOutcome,
} from "./request-client.ts";

export function createHttp1Client(options: RequestClientOptions): RequestClient {
  const agent = options.newConnectionPerRequest
    ? undefined
    : new http.Agent({ keepAlive: true, maxSockets: Infinity, scheduling: "fifo" });
  return {
    send: () => sendOne(options, agent),
    close: () => agent?.destroy(),
  };
}

function sendOne(options: RequestClientOptions, agent: http.Agent | undefined): Promise<RequestOutcome> {
  return settleOnce(options.timeoutMs, (sink) => {
    const req = http.request(
      options.url,
      { method: "GET", headers: options.headers, agent: agent ?? false },
      (res) => {
        sink.response({
          status: res.statusCode,
          backend: headerValue(res.headers["x-backend-id"]),
          responseFlags: headerValue(res.headers["x-envoy-response-flags"]),
        });
        res.on("data", () => {});
        res.on("end", () => sink.finish());
        res.on("error", sink.fail);
        res.on("aborted", () =>
          sink.fail(Object.assign(new Error("response aborted"), { code: "ECONNRESET" })),
        );
      },
    );
    req.on("error", sink.fail);
    req.end();
    return (error) => req.destroy(error);
  });
}
