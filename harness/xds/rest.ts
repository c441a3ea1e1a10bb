// REST-JSON polling (xds_protocol "REST-JSON polling subscriptions"): `POST /v3/discovery:<type>` with a
// DiscoveryRequest in proto3 JSON, answered with a DiscoveryResponse in proto3 JSON. Each poll is
// answered with the current state (200); Envoy skips resources whose content did not change.
import { createServer, type Server } from "node:http";
import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import { DiscoveryRequestCodec, DiscoveryResponseCodec, type DiscoveryRequest } from "../proto/discovery.ts";
import { registry } from "../proto/schemas.ts";
import {
  CLUSTER_TYPE_URL,
  ENDPOINT_TYPE_URL,
  LISTENER_TYPE_URL,
  ROUTE_TYPE_URL,
  RUNTIME_TYPE_URL,
  SCOPED_ROUTE_TYPE_URL,
  SECRET_TYPE_URL,
} from "../proto/type-urls.ts";
import type { ReferenceServer } from "./server.ts";

/** The REST paths of the per-type services' `google.api.http` options. */
export const REST_PATHS: Record<string, string> = {
  "/v3/discovery:clusters": CLUSTER_TYPE_URL,
  "/v3/discovery:endpoints": ENDPOINT_TYPE_URL,
  "/v3/discovery:listeners": LISTENER_TYPE_URL,
  "/v3/discovery:routes": ROUTE_TYPE_URL,
  "/v3/discovery:scoped-routes": SCOPED_ROUTE_TYPE_URL,
  "/v3/discovery:secrets": SECRET_TYPE_URL,
  "/v3/discovery:runtime": RUNTIME_TYPE_URL,
};

export class RestEndpoint {
  private server?: Server;
  private boundPort = 0;

  constructor(private readonly xds: ReferenceServer) {}

  get url(): string {
    return `http://127.0.0.1:${this.boundPort}`;
  }

  async start(port = 0): Promise<this> {
    const server = createServer((req, res) => {
      const typeUrl = REST_PATHS[(req.url ?? "").split("?")[0]!];
      if (req.method !== "POST" || !typeUrl) {
        res
          .writeHead(404, { "content-type": "text/plain" })
          .end(`no xDS REST endpoint at ${req.method} ${req.url}\n`);
        return;
      }
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        let request: DiscoveryRequest;
        try {
          const json = JSON.parse(Buffer.concat(chunks).toString("utf8")) as JsonValue;
          request = fromJson(DiscoveryRequestCodec.desc, json, {
            registry: registry(),
            ignoreUnknownFields: true,
          }) as never;
        } catch (e) {
          res
            .writeHead(400, { "content-type": "text/plain" })
            .end(`bad DiscoveryRequest: ${(e as Error).message}\n`);
          return;
        }
        const answer = this.xds.fetch(
          { ...request, typeUrl: request.typeUrl || typeUrl },
          { streamId: this.xds.nextStreamId(), kind: "rest", fixedType: typeUrl, method: `POST ${req.url}` },
        );
        if (!answer) {
          res.writeHead(304).end();
          return;
        }
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify(DiscoveryResponseCodec.toJson(answer)));
      });
    });
    this.boundPort = await new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve((server.address() as { port: number }).port));
    });
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}
