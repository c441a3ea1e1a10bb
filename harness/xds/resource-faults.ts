// Fault modes that rewrite resource contents before they are sent (e.g. skewing route weights): the
// known-bad twins of the traffic-split suite. Each decodes the Any, changes it, and re-encodes it, in SotW
// and delta responses alike, so the data plane receives a well-formed but wrong configuration and ACKs it.
import type { Any } from "../proto/discovery.ts";
import { decodeResource, encodeResource, type JsonObject } from "../proto/codec.ts";
import { ENDPOINT_TYPE_URL, LISTENER_TYPE_URL, ROUTE_TYPE_URL } from "../proto/type-urls.ts";
import type { Fault, FaultContext } from "./faults.ts";

/** How far a skew moves a split: 3 points of the total weight, from one target to the next. */
export const SKEW_POINTS = 3;

type Weighted = { weight?: number; load_balancing_weight?: number } & JsonObject;
type Edit = (ctx: FaultContext, json: JsonObject) => void;

/** Every `weighted_clusters.clusters` list in a resource: RDS routes, inline route configs, TCP proxies. */
function weightedClusterLists(node: unknown, out: Weighted[][] = []): Weighted[][] {
  if (Array.isArray(node)) node.forEach((n) => weightedClusterLists(n, out));
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      const clusters = (value as { clusters?: unknown } | null)?.clusters;
      if (key === "weighted_clusters" && Array.isArray(clusters)) out.push(clusters as Weighted[]);
      else weightedClusterLists(value, out);
    }
  }
  return out;
}

/**
 * Moves SKEW_POINTS % of the total from the largest weight to the first other positive one. Weights are
 * scaled by 100 first so the shift is exact in integers (90/10 becomes 8700/1300, i.e. 87/13).
 */
function skew(items: Weighted[], field: "weight" | "load_balancing_weight"): void {
  const positive = items.filter((i) => (i[field] ?? 1) > 0);
  if (positive.length < 2) return;
  const total = positive.reduce((sum, i) => sum + (i[field] ?? 1), 0);
  const from = positive.reduce((a, b) => ((b[field] ?? 1) > (a[field] ?? 1) ? b : a));
  const to = positive.find((i) => i !== from)!;
  for (const i of items) i[field] = (i[field] ?? 1) * 100;
  from[field] = from[field]! - SKEW_POINTS * total;
  to[field] = to[field]! + SKEW_POINTS * total;
}

/** A fault applying `edit` to every resource of `typeUrls` in a response. */
function rewriting(
  base: Pick<Fault, "name" | "description" | "breaks">,
  typeUrls: string[],
  edit: Edit,
): Fault {
  const rewrite = (ctx: FaultContext, any: Any): Any => {
    if (!typeUrls.includes(any.typeUrl)) return any;
    const json = decodeResource(any.typeUrl, any.value);
    edit(ctx, json);
    return { typeUrl: any.typeUrl, value: encodeResource(any.typeUrl, json) };
  };
  return {
    ...base,
    sotwResponse: (ctx, r) => ({ ...r, resources: r.resources.map((a) => rewrite(ctx, a)) }),
    deltaResponse: (ctx, r) => ({
      ...r,
      resources: r.resources.map((res) =>
        res.resource ? { ...res, resource: rewrite(ctx, res.resource) } : res,
      ),
    }),
  };
}

const lbEndpointLists = (cla: JsonObject): Weighted[][] =>
  ((cla.endpoints ?? []) as { lb_endpoints?: Weighted[] }[]).map((l) => l.lb_endpoints ?? []);
const localities = (cla: JsonObject): Weighted[] => (cla.endpoints ?? []) as Weighted[];

const SPLIT_RULE = "traffic split: the data plane must receive the weights the configuration declares";

const FAULT_LIST: Fault[] = [
  rewriting(
    {
      name: "skew-route-weights",
      description: `sends every weighted_clusters split ${SKEW_POINTS} points off (largest target −, next target +)`,
      breaks: SPLIT_RULE,
    },
    [ROUTE_TYPE_URL, LISTENER_TYPE_URL],
    (_ctx, json) => weightedClusterLists(json).forEach((list) => skew(list, "weight")),
  ),
  rewriting(
    {
      name: "skew-endpoint-weights",
      description: `sends endpoint load_balancing_weights ${SKEW_POINTS} points off (heaviest endpoint −, next +)`,
      breaks: SPLIT_RULE,
    },
    [ENDPOINT_TYPE_URL],
    (_ctx, json) => lbEndpointLists(json).forEach((list) => skew(list, "load_balancing_weight")),
  ),
  rewriting(
    {
      name: "skew-locality-weights",
      description: `sends locality load_balancing_weights ${SKEW_POINTS} points off (heaviest locality −, next +)`,
      breaks: SPLIT_RULE,
    },
    [ENDPOINT_TYPE_URL],
    (_ctx, json) => skew(localities(json), "load_balancing_weight"),
  ),
  rewriting(
    {
      name: "equalize-weights",
      description: "ignores weights: every weighted cluster, locality and endpoint gets weight 1",
      breaks: SPLIT_RULE,
    },
    [ROUTE_TYPE_URL, LISTENER_TYPE_URL, ENDPOINT_TYPE_URL],
    (_ctx, json) => {
      for (const list of weightedClusterLists(json)) for (const c of list) c.weight = 1;
      for (const l of localities(json))
        if (l.load_balancing_weight !== undefined) l.load_balancing_weight = 1;
      for (const list of lbEndpointLists(json)) for (const e of list) delete e.load_balancing_weight;
    },
  ),
  rewriting(
    {
      name: "weight-zero-gets-weight",
      description: "gives every weighted cluster of weight 0 the weight 1 (about 1 % of a 100-weight split)",
      breaks: "route.proto WeightedCluster.ClusterWeight.weight (a cluster of weight 0 gets no traffic)",
    },
    [ROUTE_TYPE_URL, LISTENER_TYPE_URL],
    (_ctx, json) => {
      for (const list of weightedClusterLists(json)) for (const c of list) if (!c.weight) c.weight = 1;
    },
  ),
  rewriting(
    {
      name: "stale-route-weights",
      description:
        "after the first route response on a stream, sends each weighted_clusters list with its weights " +
        "reversed: an update 90/10 → 10/90 arrives as 90/10 again, under the new version",
      breaks: "xds_protocol#versioning (a new version carries the new configuration)",
    },
    [ROUTE_TYPE_URL, LISTENER_TYPE_URL],
    (ctx, json) => {
      if (ctx.previousNonce === undefined) return;
      for (const list of weightedClusterLists(json)) {
        const weights = list.map((c) => c.weight).reverse();
        list.forEach((c, i) => (c.weight = weights[i]));
      }
    },
  ),
];

export const RESOURCE_FAULTS: Record<string, Fault> = Object.fromEntries(FAULT_LIST.map((f) => [f.name, f]));
