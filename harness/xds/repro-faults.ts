// Fault modes that mimic control-plane bugs from the field (fixtures/repros/): each names the issue it
// reproduces, so a repro fixture can select it with `control_plane: { faults: [...] }` and the same
// fixture without the fault shows the correct behaviour.
//
// Faults are shared singletons, so what one remembers about a stream is keyed by stream id and dropped
// when a stream sends its first response (stream ids start again at 1 in every server).
import type { Any } from "../proto/discovery.ts";
import { decodeResource, encodeResource, type JsonObject } from "../proto/codec.ts";
import {
  CLUSTER_TYPE_URL,
  ENDPOINT_TYPE_URL,
  LISTENER_TYPE_URL,
  ROUTE_TYPE_URL,
} from "../proto/type-urls.ts";
import type { Fault, FaultContext } from "./faults.ts";

/** Per-stream memory of a fault, forgotten when the stream (or a new server's stream 1) starts over. */
class StreamMemory<T> {
  private readonly byStream = new Map<number, T>();
  constructor(private readonly fresh: () => T) {}
  get(ctx: FaultContext): T {
    if (ctx.sent === 0) this.byStream.delete(ctx.streamId);
    let v = this.byStream.get(ctx.streamId);
    if (v === undefined) this.byStream.set(ctx.streamId, (v = this.fresh()));
    return v;
  }
}

const hex = (a: Any) => `${a.typeUrl}|${Buffer.from(a.value).toString("hex")}`;

/** Every cluster name a RouteConfiguration names: route.cluster and weighted_clusters, weight 0 included. */
export function routeClusters(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => routeClusters(n, out));
  else if (node && typeof node === "object") {
    const o = node as JsonObject;
    if (typeof o.cluster === "string") out.add(o.cluster);
    const wc = (o.weighted_clusters as { clusters?: { name?: string }[] } | undefined)?.clusters;
    for (const c of wc ?? []) if (c.name) out.add(c.name);
    for (const v of Object.values(o)) routeClusters(v, out);
  }
  return out;
}

// go-control-plane#245 / envoy#13009: EDS is answered only when the endpoints changed, so an updated
// cluster, which warms until it gets a ClusterLoadAssignment, stays warming.
const unchangedEds = new StreamMemory(() => new Map<string, string>());
const ignoreUnchangedEds: Fault = {
  name: "ignore-unchanged-eds",
  description:
    "does not answer an EDS request whose resources did not change since they were last sent (go-control-plane#245)",
  breaks:
    "xds_protocol#resource-warming (a cluster update completes warming only when a ClusterLoadAssignment is supplied, even if unchanged)",
  sotwResponse: (ctx, r) => {
    const last = unchangedEds.get(ctx);
    if (r.typeUrl !== ENDPOINT_TYPE_URL) return r;
    const digest = r.resources.map(hex).sort().join(",");
    if (last.get("sotw") === digest) return undefined;
    last.set("sotw", digest);
    return r;
  },
  deltaResponse: (ctx, r) => {
    const last = unchangedEds.get(ctx);
    if (r.typeUrl !== ENDPOINT_TYPE_URL) return r;
    const changed = r.resources.filter((res) => last.get(res.name) !== res.version);
    if (changed.length === 0 && r.removedResources.length === 0) return undefined;
    for (const res of changed) last.set(res.name, res.version);
    return { ...r, resources: changed };
  },
};

// grpc-go#8865 / go-control-plane#1389: in ADS mode go-control-plane answers a CDS request only when it
// names every cluster the routes reference; gRPC does not subscribe to weight-0 clusters, so it waits
// forever and the channel goes to TRANSIENT_FAILURE.
const routedClusters = new StreamMemory(() => new Set<string>());
const adsRequireSuperset: Fault = {
  name: "ads-require-superset",
  description:
    "SotW: withholds a CDS response unless it names every cluster the routes sent on the stream reference, weight-0 ones included (go-control-plane#1389)",
  breaks:
    "xds_protocol#how-the-client-specifies-what-resources-to-return (answer the names the client requested)",
  sotwResponse: (ctx, r) => {
    const routed = routedClusters.get(ctx);
    if (r.typeUrl === ROUTE_TYPE_URL)
      for (const a of r.resources) routeClusters(decodeResource(a.typeUrl, a.value), routed);
    if (r.typeUrl !== CLUSTER_TYPE_URL) return r;
    const names = new Set(r.resources.map((a) => String(decodeResource(a.typeUrl, a.value).name)));
    return [...routed].every((n) => names.has(n)) ? r : undefined;
  },
};

// grpc-node#3069: grpc-js-xds < 1.14.1 divided the pick over total_weight's old default 100 when the field
// is absent, so weights summing to less than 100 leave the rest of the range to no cluster. Expressed
// from the control plane's side: the remainder goes to a cluster that does not exist.
export const EMPTY_PICK_CLUSTER = "xdsc-empty-pick";
function padToHundred(json: JsonObject): void {
  const lists: { name?: string; weight?: number }[][] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === "object") {
      const wc = (n as JsonObject).weighted_clusters as
        { clusters?: unknown; total_weight?: unknown } | undefined;
      if (wc && Array.isArray(wc.clusters) && wc.total_weight === undefined) lists.push(wc.clusters as never);
      Object.values(n).forEach(walk);
    }
  };
  walk(json);
  for (const clusters of lists) {
    const sum = clusters.reduce((s, c) => s + (c.weight ?? 0), 0);
    if (sum < 100) clusters.push({ name: EMPTY_PICK_CLUSTER, weight: 100 - sum });
  }
}
const weightedEmptyPick: Fault = {
  name: "weighted-empty-pick",
  description: `pads weighted_clusters without total_weight up to 100 with a cluster that does not exist ("${EMPTY_PICK_CLUSTER}"), as grpc-js-xds < 1.14.1 picked (grpc-node#3069)`,
  breaks:
    "route_components.proto WeightedCluster.total_weight (deprecated: the total is the sum of the cluster weights)",
  sotwResponse: (_ctx, r) => {
    if (r.typeUrl !== ROUTE_TYPE_URL) return r;
    const resources = r.resources.map((a) => {
      const json = decodeResource(a.typeUrl, a.value);
      padToHundred(json);
      return { typeUrl: a.typeUrl, value: encodeResource(a.typeUrl, json) };
    });
    return { ...r, resources };
  },
};

// envoy#17980: the control plane restarts right after it removed a listener; what the data plane asks for
// on the new stream shows whether it still holds a subscription to the removed listener's route. A
// trigger for a data-plane bug, not a control-plane bug: a server may end a stream at any time, so no
// control-plane check has it as a twin. The repro judges the data plane (expect `resubscribed`), with
// data_plane.drain_time_s 0 so the listener's drain completes while the stream is down.
const removedListener = new StreamMemory(() => ({ removed: false, closed: false }));
const restartAfterListenerRemoval: Fault = {
  name: "restart-after-listener-removal",
  description:
    "closes the stream (a control-plane restart) right after a response that removes a listener (envoy#17980)",
  breaks:
    "nothing on the control plane's side (a trigger): a data plane must resubscribe only to what its current configuration references",
  sotwResponse: (ctx, r) => {
    const m = removedListener.get(ctx);
    const prev = ctx.previousResponse?.resources.length ?? 0;
    if (r.typeUrl === LISTENER_TYPE_URL && !m.closed && r.resources.length < prev) m.removed = true;
    return r;
  },
  deltaResponse: (ctx, r) => {
    const m = removedListener.get(ctx);
    if (r.typeUrl === LISTENER_TYPE_URL && !m.closed && r.removedResources.length > 0) m.removed = true;
    return r;
  },
  closeAfterSend: (ctx) => {
    const m = removedListener.get({ ...ctx, sent: 1 });
    if (!m.removed || m.closed) return false;
    m.closed = true;
    return true;
  },
};

export const REPRO_FAULTS: Record<string, Fault> = Object.fromEntries(
  [ignoreUnchangedEds, adsRequireSuperset, weightedEmptyPick, restartAfterListenerRemoval].map((f) => [
    f.name,
    f,
  ]),
);
