// HTTP/1.1 client for the load driver: a keep-alive Agent reuses connections (as many as requests are in
// flight, so an open-loop schedule never queues behind a busy socket), or `agent: false` opens a new
// connection per request and closes it after the response ("Connection: close").

import http from "node:http";
import {
  headerValue,
  type RequestClient,
  type RequestClientOptions,
  type RequestOutcome,
} from "./request-client.ts";
import { classifyError, nowMs, RequestTimeoutError } from "./traffic-record.ts";

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

    let req: http.ClientRequest;
    try {
      req = http.request(
        options.url,
        { method: "GET", headers: options.headers, agent: agent ?? false },
        (res) => {
          response = {
            status: res.statusCode,
            backend: headerValue(res.headers["x-backend-id"]),
            responseFlags: headerValue(res.headers["x-envoy-response-flags"]),
          };
          res.on("data", () => {});
          res.on("end", () => finish({}));
          res.on("error", fail);
          res.on("aborted", () => fail(Object.assign(new Error("response aborted"), { code: "ECONNRESET" })));
        },
      );
    } catch (error) {
      fail(error);
      return;
    }
    const timer = setTimeout(() => {
      const error = new RequestTimeoutError(options.timeoutMs);
      fail(error);
      req.destroy(error);
    }, options.timeoutMs);
    req.on("error", fail);
    req.end();
  });
}
