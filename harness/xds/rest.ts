// REST-JSON polling (xds_protocol "REST-JSON polling subscriptions"): `POST /v3/discovery:<type>` with a
// DiscoveryRequest in proto3 JSON, answered with a DiscoveryResponse in proto3 JSON when the client's
// version is not current (200), else held until a change or answered 304 (see answer()).
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import {
  DiscoveryRequestCodec,
  DiscoveryResponseCodec,
  type DiscoveryRequest,
  type DiscoveryResponse,
} from "../proto/discovery.ts";
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
import type { FaultSwitches } from "./faults.ts";

/** What a response carries, independent of its version label and nonce. */
function digestOf(resp: DiscoveryResponse): string {
  const h = createHash("sha256");
  for (const a of resp.resources) h.update(a.typeUrl).update(a.value);
  return h.digest("hex");
}

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

/** How long an up-to-date poll is held for a change before 304 (below Envoy's REST request_timeout). */
export const REST_HOLD_MS = 1000;

export class RestEndpoint {
  private server?: Server;
  private boundPort = 0;
  /** "node|type|names" → version label → digest of what was sent under it, to tell "unchanged". */
  private readonly sent = new Map<string, Map<string, string>>();
  private readonly holds = new Set<() => void>();

  constructor(
    private readonly xds: ReferenceServer,
    private readonly holdMs = REST_HOLD_MS,
  ) {}

  private faulty(flag: keyof FaultSwitches): boolean {
    return this.xds.faults.some((f) => f[flag]);
  }

  /**
   * One poll. xds_protocol "REST-JSON polling subscriptions": a single outstanding request, so "the
   * response nonce is optional" — it is not checked; and "avoid sending a DiscoveryResponse unless a
   * change to the underlying resources has occurred" — a poll naming a version whose resources are
   * still current is held until they change (long polling), else answered 304 Not Modified after
   * holdMs (Envoy's RestApiFetcher takes 304 as "no change").
   */
  private async answer(
    request: DiscoveryRequest,
    typeUrl: string,
    path: string,
  ): Promise<{ status: number; body: string }> {
    if (this.faulty("restRequireNonce") && request.versionInfo && !request.responseNonce)
      return { status: 400, body: "response_nonce required\n" };
    const nodeId = request.node?.id ?? "";
    const key = `${nodeId}|${typeUrl}|${[...request.resourceNames].sort().join(",")}`;
    const deadline = Date.now() + this.holdMs;
    for (;;) {
      const info = () => ({
        streamId: this.xds.nextStreamId(),
        kind: "rest" as const,
        fixedType: typeUrl,
        method: `POST ${path}`,
      });
      // A fresh stream answers the request as an initial one (the nonce is not checked); whether the
      // client's version is current is judged here.
      const poll = { ...request, responseNonce: "" };
      const resp = this.xds.fetch(poll, info(), true);
      const digest = resp ? digestOf(resp) : "";
      const had = request.versionInfo ? this.sent.get(key)?.get(request.versionInfo) : undefined;
      const upToDate = this.faulty("restIgnoreVersion")
        ? !!request.versionInfo
        : !resp || (had !== undefined && had === digest && !this.faulty("restAnswerUnchanged"));
      if (resp && !upToDate) {
        const sent = this.xds.fetch(poll, info()) ?? resp;
        const versions = this.sent.get(key) ?? new Map<string, string>();
        versions.set(sent.versionInfo, digestOf(sent));
        this.sent.set(key, versions);
        return { status: 200, body: JSON.stringify(this.toJson(sent)) };
      }
      const left = deadline - Date.now();
      if (left <= 0 || !this.server) return { status: 304, body: "" };
      await this.changeOrTimeout(left);
    }
  }

  private toJson(resp: DiscoveryResponse): JsonValue {
    const json = DiscoveryResponseCodec.toJson(resp) as Record<string, JsonValue>;
    if (!this.faulty("restRawAny")) return json;
    return {
      ...json,
      resources: resp.resources.map((a) => ({
        type_url: a.typeUrl,
        value: Buffer.from(a.value).toString("base64"),
      })),
    };
  }

  /** Resolves on the next state change the server makes (any node: the poll re-checks), or after ms. */
  private changeOrTimeout(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.xds.off("apply-step", done);
        this.holds.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.xds.on("apply-step", done);
      this.holds.add(done);
    });
  }

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
        void this.answer({ ...request, typeUrl: request.typeUrl || typeUrl }, typeUrl, req.url!).then(
          (a) => {
            if (a.status !== 200) res.writeHead(a.status, { "content-type": "text/plain" }).end(a.body);
            else res.writeHead(200, { "content-type": "application/json" }).end(a.body);
          },
          (e: Error) => res.writeHead(500, { "content-type": "text/plain" }).end(`${e.message}\n`),
        );
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
    for (const release of [...this.holds]) release();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}
