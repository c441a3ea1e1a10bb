// Ordering rules judged from a transcript alone (any control plane, any data plane: the tap records
// both), per node. Envoy's xds_protocol doc, "Eventual consistency considerations": to avoid dropping
// traffic, a management server sends CDS (then the EDS of those clusters) before the LDS/RDS that use
// them, LDS before the RDS of new listeners, and removes a cluster (then its endpoints) only after no
// route references it any more.
//
// What "before" means depends on the streams. On one ADS stream the data plane applies responses in
// the order sent, so a dependency sent earlier counts. Across streams (per-type services) nothing orders
// two sends, so a dependency the data plane must have *applied* counts only once it ACKed it. Two
// dependencies are exempt from that, because Envoy itself waits for the dependent before it ACKs
// (it holds a CDS ACK until the clusters' EDS arrived, an LDS ACK until the listeners' RDS arrived):
// "CDS before EDS" and "LDS before RDS" are judged by time of send on any stream.
import type { JsonValue } from "@bufbuild/protobuf";
import type { JsonObject } from "../proto/codec.ts";
import {
  CLUSTER_TYPE_URL,
  ENDPOINT_TYPE_URL,
  LISTENER_TYPE_URL,
  ROUTE_TYPE_URL,
  shortTypeName,
} from "../proto/type-urls.ts";
import { formatEntry, type TranscriptEntry } from "../tap/transcript.ts";

export type OrderingRule =
  | "cds-before-eds"
  | "cds-before-reference"
  | "eds-before-reference"
  | "lds-before-rds"
  | "unreference-before-removal"
  | "cluster-removal-before-endpoints";

export interface OrderingViolation {
  rule: OrderingRule;
  nodeId: string;
  /** The response that broke the rule. */
  entry: TranscriptEntry;
  message: string;
}

interface Update {
  typeUrl: string;
  upserts: Map<string, JsonObject>;
  removes: string[];
}

/** What the control plane has sent, and what the data plane has ACKed, of one type. */
class TypeView {
  readonly sent = new Map<string, JsonObject>();
  readonly sentOn = new Map<string, number>();
  readonly acked = new Map<string, JsonObject>();
}

class NodeModel {
  private readonly views = new Map<string, TypeView>();
  private readonly pending = new Map<string, Update>();
  readonly violations: OrderingViolation[] = [];

  constructor(readonly nodeId: string) {}

  view(typeUrl: string): TypeView {
    let v = this.views.get(typeUrl);
    if (!v) this.views.set(typeUrl, (v = new TypeView()));
    return v;
  }

  /** Applied by the data plane as far as a send on `stream` is concerned (see the header). */
  delivered(typeUrl: string, name: string, stream: number): JsonObject | undefined {
    const v = this.view(typeUrl);
    if (v.sentOn.get(name) === stream) return v.sent.get(name);
    return v.acked.get(name);
  }

  /** Listeners and the route configurations they name, as the data plane has them for `stream`. */
  private liveReferrers(stream: number): { name: string; typeUrl: string; json: JsonObject }[] {
    const out: { name: string; typeUrl: string; json: JsonObject }[] = [];
    const lds = this.view(LISTENER_TYPE_URL);
    for (const name of new Set([...lds.sent.keys(), ...lds.acked.keys()])) {
      const l = this.delivered(LISTENER_TYPE_URL, name, stream);
      if (!l) continue;
      out.push({ name, typeUrl: LISTENER_TYPE_URL, json: l });
      for (const rds of rdsNames(l)) {
        const r = this.delivered(ROUTE_TYPE_URL, rds, stream);
        if (r) out.push({ name: rds, typeUrl: ROUTE_TYPE_URL, json: r });
      }
    }
    return out;
  }

  response(e: TranscriptEntry): void {
    const update = toUpdate(e, this.view(e.typeUrl).sent);
    const flag = (rule: OrderingRule, message: string) =>
      this.violations.push({ rule, nodeId: this.nodeId, entry: e, message });
    const what = `${shortTypeName(e.typeUrl)} response v=${JSON.stringify(e.versionInfo ?? "")} (seq ${e.seq})`;
    const cds = this.view(CLUSTER_TYPE_URL);
    for (const [name, json] of update.upserts) {
      const previous = this.view(e.typeUrl).sent.get(name);
      if (e.typeUrl === ENDPOINT_TYPE_URL && !previous) {
        if (![...cds.sent.values()].some((c) => edsNameOf(c) === name))
          flag("cds-before-eds", `${what} carries endpoints "${name}" before any cluster that uses them`);
      }
      if (e.typeUrl === ROUTE_TYPE_URL && !previous) {
        if (![...this.view(LISTENER_TYPE_URL).sent.values()].some((l) => rdsNames(l).includes(name)))
          flag(
            "lds-before-rds",
            `${what} carries route configuration "${name}" before any listener names it`,
          );
      }
      if (e.typeUrl !== ROUTE_TYPE_URL && e.typeUrl !== LISTENER_TYPE_URL) continue;
      const before = new Set(previous ? clusterRefs(previous) : []);
      for (const c of clusterRefs(json).filter((x) => !before.has(x))) {
        const cluster = cds.sent.get(c);
        const eds = cluster && edsNameOf(cluster);
        if (!cluster)
          flag("cds-before-reference", `${what}: "${name}" references cluster "${c}" before it was sent`);
        else if (eds && !this.delivered(ENDPOINT_TYPE_URL, eds, e.stream))
          flag(
            "eds-before-reference",
            `${what}: "${name}" references cluster "${c}" before its endpoints "${eds}" were ${this.view(ENDPOINT_TYPE_URL).sent.has(eds) ? "ACKed (they went on another stream)" : "sent"}: the cluster is still warming`,
          );
      }
    }
    for (const name of update.removes) {
      if (e.typeUrl === CLUSTER_TYPE_URL) {
        const users = this.liveReferrers(e.stream).filter((r) => clusterRefs(r.json).includes(name));
        for (const u of users)
          flag(
            "unreference-before-removal",
            `${what} removes cluster "${name}" while ${shortTypeName(u.typeUrl)} "${u.name}" still references it`,
          );
      }
      if (e.typeUrl === ENDPOINT_TYPE_URL) {
        const owner = [...cds.sent.values()].find((c) => edsNameOf(c) === name);
        if (owner)
          flag(
            "cluster-removal-before-endpoints",
            `${what} removes endpoints "${name}" while cluster "${String(owner.name)}" still uses them`,
          );
      }
    }
    const v = this.view(e.typeUrl);
    for (const [n, j] of update.upserts) {
      v.sent.set(n, j);
      v.sentOn.set(n, e.stream);
    }
    for (const n of update.removes) v.sent.delete(n);
    this.pending.set(`${e.stream}|${e.nonce ?? ""}`, update);
  }

  ack(e: TranscriptEntry): void {
    const update = this.pending.get(`${e.stream}|${e.answers?.nonce ?? ""}`);
    if (!update) return;
    const v = this.view(update.typeUrl);
    for (const [n, j] of update.upserts) v.acked.set(n, j);
    for (const n of update.removes) v.acked.delete(n);
  }
}

/** Every ordering violation in a transcript, per node, in transcript order. */
export function analyzeOrdering(
  entries: readonly TranscriptEntry[],
  opts: { rules?: readonly OrderingRule[] } = {},
): OrderingViolation[] {
  const nodes = new Map<string, NodeModel>();
  const streamNode = new Map<number, string>();
  for (const e of entries) {
    if (e.nodeId) streamNode.set(e.stream, e.nodeId);
    const nodeId = e.nodeId ?? streamNode.get(e.stream) ?? "";
    let model = nodes.get(nodeId);
    if (!model) nodes.set(nodeId, (model = new NodeModel(nodeId)));
    if (e.direction === "response") model.response(e);
    else if (e.direction === "request" && e.classification === "ack") model.ack(e);
  }
  const all = [...nodes.values()].flatMap((n) => n.violations).sort((a, b) => a.entry.seq - b.entry.seq);
  return opts.rules ? all.filter((v) => opts.rules!.includes(v.rule)) : all;
}

/** A violation as one line, with its response line from the transcript. */
export function formatViolation(v: OrderingViolation, t0 = 0): string {
  return `${v.rule}: ${v.message} [${formatEntry(v.entry, t0)}]`;
}

function toUpdate(e: TranscriptEntry, sent: Map<string, JsonObject>): Update {
  const upserts = new Map<string, JsonObject>();
  for (const r of e.resources ?? []) upserts.set(r.name, r.json ?? {});
  let removes = [...(e.removed ?? [])];
  // SotW LDS and CDS responses carry the whole set: absence is deletion (xds_protocol, "Resource
  // deletion"); for RDS and EDS absence is not.
  const fullSet = e.typeUrl === LISTENER_TYPE_URL || e.typeUrl === CLUSTER_TYPE_URL;
  if (e.kind !== "delta" && fullSet) removes = [...sent.keys()].filter((n) => !upserts.has(n));
  return { typeUrl: e.typeUrl, upserts, removes };
}

/** The EDS resource name an EDS cluster subscribes to; undefined for other cluster types. */
export function edsNameOf(cluster: JsonObject): string | undefined {
  const eds = cluster.eds_cluster_config as JsonObject | undefined;
  if (cluster.type !== "EDS" && !eds) return undefined;
  const service = eds?.service_name;
  return typeof service === "string" && service !== "" ? service : String(cluster.name);
}

/** Route configuration names a listener's HTTP connection managers subscribe to over RDS. */
export function rdsNames(listener: JsonObject): string[] {
  const out: string[] = [];
  walk(listener, (key, value) => {
    if (key === "rds" && isObject(value) && typeof value.route_config_name === "string")
      out.push(value.route_config_name);
  });
  return out;
}

/** Clusters a route configuration or listener sends traffic to (routes, weights, mirrors, TCP proxy). */
export function clusterRefs(resource: JsonObject): string[] {
  const out = new Set<string>();
  walk(resource, (key, value) => {
    if (key === "cluster" && typeof value === "string") out.add(value);
    if (key === "weighted_clusters" && isObject(value) && Array.isArray(value.clusters))
      for (const c of value.clusters) if (isObject(c) && typeof c.name === "string") out.add(c.name);
  });
  return [...out];
}

function walk(v: JsonValue, visit: (key: string, value: JsonValue) => void): void {
  if (Array.isArray(v)) for (const x of v) walk(x, visit);
  else if (isObject(v))
    for (const [k, x] of Object.entries(v)) {
      visit(k, x);
      walk(x, visit);
    }
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
