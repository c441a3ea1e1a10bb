// Echo backends: loopback HTTP servers that answer every request with their identity, so traffic checks
// can tell which upstream served each request (header `x-backend-id`, JSON body) and cross-check the
// client-side tally against the server-side count.
//
// HTTP/1.1 uses node:http; "h2c" is HTTP/2 with prior knowledge over cleartext (node:http2 createServer),
// which is what Envoy speaks to an upstream whose cluster sets http2_protocol_options. They are separate
// server types on purpose: node's cleartext HTTP/2 server does not serve HTTP/1.1 on the same port.

import http from "node:http";
import http2 from "node:http2";
import type { AddressInfo, Socket } from "node:net";

export type BackendProtocol = "http1" | "h2c";

export interface StartedEchoBackend extends AsyncDisposable {
  readonly name: string;
  readonly protocol: BackendProtocol;
  readonly port: number;
  /** "127.0.0.1:<port>", ready to template into an endpoint. */
  readonly address: string;
  /** Requests received since start or the last reset (counted on arrival, before any delay). */
  getCount(): number;
  resetCount(): void;
  /** TCP connections accepted since start or the last reset (to check per-request vs reused connections). */
  getConnectionCount(): number;
  /** Closes the listener and every open connection; safe to call more than once. */
  stop(): Promise<void>;
}

export class EchoBackend {
  private protocol: BackendProtocol = "http1";
  private status = 200;
  private delayMs = 0;

  constructor(readonly name: string) {
    if (!/^[A-Za-z0-9._-]+$/.test(name)) {
      throw new Error(
        `EchoBackend name: expected letters, digits, ".", "_" or "-" (it becomes a header), got "${name}"`,
      );
    }
  }

  withProtocol(protocol: BackendProtocol): this {
    this.protocol = protocol;
    return this;
  }

  /** Answers every request with this status (e.g. 503 to play a failing upstream). */
  withStatus(status: number): this {
    if (!Number.isInteger(status) || status < 200 || status > 599) {
      throw new RangeError(`EchoBackend status: expected an integer in [200, 599], got ${status}`);
    }
    this.status = status;
    return this;
  }

  /** Holds every response for this long (e.g. to show a load generator does not wait for replies). */
  withDelayMs(delayMs: number): this {
    if (!(delayMs >= 0)) throw new RangeError(`EchoBackend delayMs: expected >= 0, got ${delayMs}`);
    this.delayMs = delayMs;
    return this;
  }

  async start(): Promise<StartedEchoBackend> {
    const { name, protocol, status, delayMs } = this;
    let count = 0;
    let connections = 0;
    const timers = new Set<NodeJS.Timeout>();
    const handle = (
      req: http.IncomingMessage | http2.Http2ServerRequest,
      res: http.ServerResponse | http2.Http2ServerResponse,
    ) => {
      count += 1;
      const body = JSON.stringify({ backend: name, path: req.url, method: req.method });
      const respond = () => {
        if (res.destroyed || res.writableEnded) return;
        res.writeHead(status, {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "x-backend-id": name,
        });
        res.end(body);
      };
      req.resume();
      if (delayMs === 0) return respond();
      const timer = setTimeout(() => {
        timers.delete(timer);
        respond();
      }, delayMs);
      timers.add(timer);
    };

    const h2Server = protocol === "h2c" ? http2.createServer(handle) : undefined;
    const server = h2Server ?? http.createServer(handle);
    const sockets = new Set<Socket>();
    const sessions = new Set<http2.ServerHttp2Session>();
    server.on("connection", (socket: Socket) => {
      connections += 1;
      sockets.add(socket);
      socket.once("close", () => sockets.delete(socket));
    });
    if (h2Server) {
      h2Server.on("session", (session: http2.ServerHttp2Session) => {
        sessions.add(session);
        session.once("close", () => sessions.delete(session));
        // A client that goes away mid-stream must not crash the harness.
        session.on("error", () => {});
      });
    }
    server.on("clientError", (_err: Error, socket: Socket) => socket.destroy());

    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;

    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        for (const session of sessions) session.destroy();
        for (const socket of sockets) socket.destroy();
      });
      return stopping;
    };

    return {
      name,
      protocol,
      port,
      address: `127.0.0.1:${port}`,
      getCount: () => count,
      resetCount: () => {
        count = 0;
        connections = 0;
      },
      getConnectionCount: () => connections,
      stop,
      [Symbol.asyncDispose]: stop,
    };
  }
}
