// A snapshot is the complete desired xDS state of one node at one version, as in go-control-plane's
// cache: resources grouped by type, each encoded once, each with a content hash used as the delta
// resource version.
import { createHash } from "node:crypto";
import { encodeResource, resourceName, type JsonObject } from "../proto/codec.ts";
import type { Any } from "../proto/discovery.ts";
import {
  ALL_RESOURCE_TYPES,
  CLUSTER_TYPE_URL,
  ENDPOINT_TYPE_URL,
  LISTENER_TYPE_URL,
  ROUTE_TYPE_URL,
  shortTypeName,
} from "../proto/type-urls.ts";

export interface Entry {
  name: string;
  typeUrl: string;
  json: JsonObject;
  any: Any;
  /** Content hash of the encoded resource: the resource version in delta xDS. */
  hash: string;
  /**
   * xds_protocol "TTL": the resource expires on the client this long after it was last sent or
   * heartbeated. Given as `"@ttl": "1.5s"` next to `"@type"`; part of the hash, so setting, changing or
   * removing a TTL is a change that is sent.
   */
  ttlMs?: number;
}

/** The resources of one type, keyed by name, and the version label they are served under. */
export interface TypeState {
  version: string;
  entries: Map<string, Entry>;
}

export type State = Map<string, TypeState>;

export interface SnapshotInput {
  version: string;
  /** Resources in canonical proto3 JSON, each with "@type". */
  resources: JsonObject[];
}

export interface Snapshot {
  version: string;
  /** Types in the order they first appear in the input (the `as-given` policy sends in this order). */
  typeOrder: string[];
  state: State;
}

export function makeEntry(typeUrl: string, json: JsonObject): Entry {
  const name = resourceName(typeUrl, json);
  if (!name)
    throw new Error(
      `${shortTypeName(typeUrl)} resource without a name: ${JSON.stringify(json).slice(0, 120)}`,
    );
  const { "@type": _t, "@ttl": ttl, ...body } = json;
  const ttlMs = ttl === undefined ? undefined : parseTtl(ttl, `${shortTypeName(typeUrl)} "${name}"`);
  const value = encodeResource(typeUrl, body);
  const hash = createHash("sha256")
    .update(value)
    .update(ttlMs === undefined ? "" : `ttl=${ttlMs}`)
    .digest("hex")
    .slice(0, 16);
  const entry: Entry = { name, typeUrl, json: { "@type": typeUrl, ...body }, any: { typeUrl, value }, hash };
  if (ttlMs !== undefined) entry.ttlMs = ttlMs;
  return entry;
}

/** A proto3 JSON duration ("1.5s") as milliseconds. */
function parseTtl(ttl: unknown, what: string): number {
  const m = typeof ttl === "string" ? /^(\d+(?:\.\d+)?)s$/.exec(ttl) : null;
  if (!m || Number(m[1]) <= 0)
    throw new Error(
      `${what}: "@ttl": expected a positive duration such as "1.5s", got ${JSON.stringify(ttl)}`,
    );
  return Math.round(Number(m[1]) * 1000);
}

export function makeSnapshot(input: SnapshotInput): Snapshot {
  const state: State = new Map();
  const typeOrder: string[] = [];
  for (const json of input.resources) {
    const typeUrl = json["@type"];
    if (typeof typeUrl !== "string")
      throw new Error(`resource without "@type": ${JSON.stringify(json).slice(0, 120)}`);
    if (!state.has(typeUrl)) {
      state.set(typeUrl, { version: input.version, entries: new Map() });
      typeOrder.push(typeUrl);
    }
    const entry = makeEntry(typeUrl, json);
    const entries = state.get(typeUrl)!.entries;
    if (entries.has(entry.name))
      throw new Error(`duplicate ${shortTypeName(typeUrl)} resource "${entry.name}"`);
    entries.set(entry.name, entry);
  }
  // Types absent from the snapshot are served empty: a snapshot is the whole state, so for LDS/CDS an
  // absent type means "no listeners/clusters".
  for (const t of ALL_RESOURCE_TYPES)
    if (!state.has(t)) state.set(t, { version: input.version, entries: new Map() });
  return { version: input.version, typeOrder, state };
}

/**
 * go-control-plane's snapshot.Consistent(): every EDS resource an EDS cluster needs and every RDS resource
 * a listener names must be present. Returns the problems, empty when consistent.
 */
export function inconsistencies(state: State): string[] {
  const problems: string[] = [];
  const missing = (typeUrl: string, wanted: Set<string>) => {
    const have = state.get(typeUrl)?.entries ?? new Map();
    const absent = [...wanted].filter((n) => !have.has(n)).sort();
    if (absent.length > 0)
      problems.push(
        `inconsistent ${shortTypeName(typeUrl)} reference: missing resources [${absent.join(", ")}]`,
      );
  };
  missing(ENDPOINT_TYPE_URL, edsNames(state.get(CLUSTER_TYPE_URL)));
  missing(ROUTE_TYPE_URL, rdsNames(state.get(LISTENER_TYPE_URL)));
  return problems;
}

export function edsNames(clusters: TypeState | undefined): Set<string> {
  const out = new Set<string>();
  for (const e of clusters?.entries.values() ?? []) {
    const j = e.json as any;
    if (j.type === "EDS" || j.eds_cluster_config) out.add(j.eds_cluster_config?.service_name || e.name);
  }
  return out;
}

export function rdsNames(listeners: TypeState | undefined): Set<string> {
  const out = new Set<string>();
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === "object") {
      const o = v as Record<string, any>;
      if (o.rds && typeof o.rds.route_config_name === "string") out.add(o.rds.route_config_name);
      Object.values(o).forEach(visit);
    }
  };
  for (const e of listeners?.entries.values() ?? []) visit(e.json);
  return out;
}

export function sameEntries(a: Map<string, Entry>, b: Map<string, Entry>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k)?.hash !== v.hash) return false;
  return true;
}

export function cloneState(s: State): State {
  return new Map([...s].map(([t, ts]) => [t, { version: ts.version, entries: new Map(ts.entries) }]));
}
