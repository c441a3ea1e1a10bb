// A control plane under test over REST-JSON polling (xds_protocol "REST-JSON polling subscriptions"):
// the reference server (with the twin's fault modes) behind its REST endpoint, and a scripted poller.
// REST bypasses the gRPC tap, so the poller keeps its own transcript (each poll's request JSON, status,
// timing and response JSON), added to the check's evidence. Only the reference server serves REST here:
// any other control plane gets `skipped: <reason>`.
import { randomBytes } from "node:crypto";
import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import type { CheckContext } from "../../../harness/checks/context.ts";
import { fail, skipped } from "../../../harness/checks/define.ts";
import type { Verdict } from "../../../harness/checks/types.ts";
import { ReferenceControlPlane } from "../../../harness/controlplanes/reference.ts";
import type { JsonObject } from "../../../harness/proto/codec.ts";
import {
  DiscoveryResponseCodec,
  type DiscoveryResponse,
  type Node,
} from "../../../harness/proto/discovery.ts";
import { registry } from "../../../harness/proto/schemas.ts";
import { decodeResource, resourceName } from "../../../harness/proto/codec.ts";
import { CLUSTER_TYPE_URL } from "../../../harness/proto/type-urls.ts";
import { REST_PATHS, RestEndpoint } from "../../../harness/xds/rest.ts";
import type { ReferenceServer } from "../../../harness/xds/server.ts";
import { clusters } from "./resources.ts";

export interface Poll {
  versionInfo?: string;
  resourceNames?: string[];
  responseNonce?: string;
}

export interface PollResult {
  status: number;
  /** Milliseconds from sending the poll to its answer. */
  ms: number;
  contentType: string;
  /** The body as JSON (200 only). */
  json?: unknown;
  /** The body parsed strictly as canonical proto3 JSON (no unknown fields, Any by "@type"). */
  response?: DiscoveryResponse;
  /** Why the strict parse failed. */
  parseError?: string;
  version: string;
  nonce: string;
  names: string[];
}

export interface RestControlPlane {
  server: ReferenceServer;
  nodeId: string;
  node: Node;
  /** Serves a state to the node (as given: nobody to wait for on REST). */
  apply(version: string, resources: JsonObject[]): Promise<void>;
  /**
   * POSTs one DiscoveryRequest for typeUrl; `protoNames` writes the field names as in the .proto
   * (version_info) instead of canonical lowerCamelCase (versionInfo) — parsers must accept both.
   */
  poll(
    typeUrl: string,
    poll?: Poll,
    opts?: { protoNames?: boolean; timeoutMs?: number },
  ): Promise<PollResult>;
  /** The poller's transcript so far, one line per poll (for failure reasons). */
  lines(last?: number): string;
}

const pathOf = (typeUrl: string) => Object.entries(REST_PATHS).find(([, t]) => t === typeUrl)?.[0];

export async function withRestControlPlane(
  ctx: CheckContext,
  script: (cp: RestControlPlane) => Promise<Verdict>,
): Promise<Verdict> {
  if (ctx.cell.cp !== "reference")
    return skipped(
      `control plane "${ctx.cell.cp}": the harness knows no REST-JSON endpoint of it (only the reference server's)`,
    );
  const handle = await new ReferenceControlPlane().withOptions({ ...ctx.twin?.server }).start();
  const rest = await new RestEndpoint(handle.server).start();
  const nodeId = `xdsc-protocol-${randomBytes(4).toString("hex")}`;
  const node: Node = { id: nodeId, cluster: "xdsc" };
  const transcript: { at: number; request: unknown; status: number; ms: number; body: unknown }[] = [];
  const t0 = Date.now();
  const lines = (last = 12) =>
    transcript
      .slice(-last)
      .map(
        (t) =>
          `+${t.at - t0}ms POST ${JSON.stringify(t.request)} → ${t.status} after ${t.ms}ms ${t.body ? JSON.stringify(t.body).slice(0, 160) : ""}`,
      )
      .join("\n");
  const cp: RestControlPlane = {
    server: handle.server,
    nodeId,
    node,
    async apply(version, resources) {
      await handle.server.apply(nodeId, { version, resources }, "as-given");
    },
    async poll(typeUrl, p = {}, opts = {}) {
      const path = pathOf(typeUrl);
      if (!path) throw new Error(`${typeUrl}: no REST path`);
      const n = (camel: string, proto: string) => (opts.protoNames ? proto : camel);
      const body: Record<string, unknown> = {
        [n("typeUrl", "type_url")]: typeUrl,
        node: { id: node.id, cluster: node.cluster },
      };
      if (p.versionInfo) body[n("versionInfo", "version_info")] = p.versionInfo;
      if (p.resourceNames?.length) body[n("resourceNames", "resource_names")] = p.resourceNames;
      if (p.responseNonce) body[n("responseNonce", "response_nonce")] = p.responseNonce;
      const start = Date.now();
      const r = await fetch(`${rest.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
      });
      const text = await r.text();
      const result: PollResult = {
        status: r.status,
        ms: Date.now() - start,
        contentType: r.headers.get("content-type") ?? "",
        version: "",
        nonce: "",
        names: [],
      };
      if (r.status === 200) {
        try {
          result.json = JSON.parse(text);
          result.response = fromJson(DiscoveryResponseCodec.desc, result.json as JsonValue, {
            registry: registry(),
          }) as unknown as DiscoveryResponse;
          result.version = result.response.versionInfo;
          result.nonce = result.response.nonce;
          result.names = result.response.resources.map(
            (a) => resourceName(a.typeUrl, decodeResource(a.typeUrl, a.value)) ?? "",
          );
        } catch (e) {
          result.parseError = (e as Error).message;
        }
      }
      transcript.push({ at: start, request: body, status: r.status, ms: result.ms, body: result.json });
      return result;
    },
    lines,
  };
  try {
    return await script(cp);
  } catch (e) {
    return fail(`${(e as Error).message}; REST polls:\n${lines()}`);
  } finally {
    ctx.addEvidence({
      label: "REST-JSON polls (scripted client ↔ reference server)",
      file: "rest-polls.json",
      content: transcript,
      excerpt: lines(),
    });
    await rest.stop();
    await handle.stop();
  }
}

/** A failed rule with the poll transcript's tail appended. */
export function failRest(cp: RestControlPlane, reason: string): Verdict {
  return fail(`${reason}; REST polls:\n${cp.lines()}`);
}

export const restMode = (v: { mode: string }): boolean => v.mode === "rest";

/**
 * The REST checks' opening: cluster "a" served at v1 and polled once; `script` gets the first answer,
 * which must be a 200.
 */
export const withFirstPoll = (
  ctx: CheckContext,
  script: (cp: RestControlPlane, first: PollResult) => Promise<Verdict>,
): Promise<Verdict> =>
  withRestControlPlane(ctx, async (cp) => {
    await cp.apply("v1", clusters({ a: "1s" }));
    const first = await cp.poll(CLUSTER_TYPE_URL);
    if (first.status !== 200)
      return failRest(cp, `the first poll was answered ${first.status}, expected 200`);
    return script(cp, first);
  });
