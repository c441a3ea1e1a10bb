// Scripted data-plane doubles for the data-plane checks judged by dp-wire-rules.ts and dp-state-rules.ts:
// each drives the reference control plane (behind the tap) like a data plane would, except that it
// breaks one rule — on the wire, or in its own account of what it applied (`applied`, `observations`),
// which stands in for Envoy's config_dump. A check's twin judges the double's run with the same rule.
import type { CheckContext } from "../../../harness/checks/context.ts";
import type { TranscriptEntry } from "../../../harness/tap/transcript.ts";
import {
  CLUSTER_TYPE_URL as CDS,
  ENDPOINT_TYPE_URL as EDS,
  LISTENER_TYPE_URL as LDS,
  ROUTE_TYPE_URL as RDS,
} from "../../../harness/proto/type-urls.ts";
import { httpListener, routeConfig } from "../../../harness/xds/resources.ts";
import type { ReferenceServerOptions } from "../../../harness/xds/server.ts";
import { startControlPlane, type ControlPlaneUnderTest } from "./control-plane.ts";
import type { Applied, WarmingObservation } from "./dp-state-rules.ts";
import { assignments, clusters, state } from "./resources.ts";
import { Subscriber } from "./subscriber.ts";

export interface DoubleOutcome {
  entries: TranscriptEntry[];
  /** The node id the double identifies itself with. */
  nodeId: string;
  applied?: Applied;
  observations?: WarmingObservation[];
  /** The resource name the double's script is about, where the rule names one. */
  subject?: string;
}

type Script = (cp: ControlPlaneUnderTest) => Promise<Omit<DoubleOutcome, "entries" | "nodeId"> | void>;

const now = () => performance.timeOrigin + performance.now();

/** Subscribes to every cluster and ACKs the first response. */
async function clustersAcked(cp: ControlPlaneUnderTest) {
  cp.sub.subscribeAll(CDS);
  const r = await cp.sub.next(CDS);
  cp.sub.ack(r);
  return r;
}

const SCRIPTS = {
  /** R15: ACKs a CDS response with a version_info it was never sent. */
  "ack-wrong-version": async (cp) => {
    await cp.apply("v1", state(["a"]));
    cp.sub.subscribe(CDS, ["*"], { node: true });
    const r = await cp.sub.next(CDS);
    cp.sub.subscribe(CDS, [], { version: "not-what-was-sent", nonce: r.nonce });
    await cp.caughtUp();
  },
  /**
   * R08: opens with a node-less EDS request (the server cannot serve it), then sends the node with its
   * CDS request.
   */
  "no-node-first": async (cp) => {
    await cp.apply("v1", state(["a"]));
    cp.sub.subscribe(EDS, ["a"], { node: false });
    cp.sub.subscribe(CDS, ["*"], { node: true });
    cp.sub.ack(await cp.sub.next(CDS));
    await cp.caughtUp();
  },
  /** R16: NACKs v2 with the rejected version as its version_info. */
  "nack-rejected-version": async (cp) => {
    await cp.apply("v1", state(["a"]));
    cp.sub.subscribe(CDS, ["*"], { node: true });
    cp.sub.ack(await cp.sub.next(CDS));
    await cp.apply("v2", state(["a"], ["a"]));
    const r2 = await cp.sub.next(CDS);
    cp.sub.nack(r2, "double rejects v2", { version: r2.version });
    await cp.caughtUp();
  },
  /** R03/R17: never answers the second CDS response. */
  "leaves-response-unanswered": async (cp) => {
    await cp.apply("v1", state(["a"]));
    await clustersAcked(cp);
    await cp.apply("v2", state(["a"], ["a"]));
    await cp.sub.next(CDS);
  },
  /** R13: reconnects with an empty version_info after accepting v1. */
  "reconnects-without-version": async (cp) => {
    await cp.apply("v1", state(["a"]));
    await clustersAcked(cp);
    await cp.caughtUp();
    cp.sub.reconnect();
    cp.sub.subscribeAll(CDS, { version: "" });
    await cp.sub.next(CDS);
  },
  /** R58: reconnects without initial_resource_versions for the cluster it holds. */
  "reconnects-without-initial-versions": async (cp) => {
    await cp.apply("v1", state(["a"]));
    await clustersAcked(cp);
    await cp.caughtUp();
    cp.sub.reconnect();
    cp.sub.subscribeAll(CDS);
    await cp.sub.next(CDS);
  },
  /** R59: sends initial_resource_versions on its very first stream. */
  "initial-versions-on-first-stream": async (cp) => {
    await cp.apply("v1", state(["a"]));
    cp.sub.subscribeAll(CDS, { initialVersions: { a: "made-up" } });
    cp.sub.ack(await cp.sub.next(CDS));
  },
  /** R32: subscribes to a cluster by name. */
  "names-clusters": async (cp) => {
    await cp.apply("v1", state(["a"]));
    cp.sub.subscribe(CDS, ["a"]);
    cp.sub.ack(await cp.sub.next(CDS));
  },
  /** R36 (server fault duplicate-resources): ACKs a response that names "a" twice. */
  "acks-duplicates": async (cp) => {
    await cp.apply("v1", state(["a"]));
    await clustersAcked(cp);
  },
  /** R36 (server fault duplicate-endpoints): ACKs an EDS response that names "a" twice. */
  "acks-duplicate-endpoints": async (cp) => {
    await cp.apply("v1", state(["a"]));
    await clustersAcked(cp);
    cp.sub.subscribe(EDS, ["a"]);
    cp.sub.ack(await cp.sub.next(EDS));
    await cp.caughtUp();
  },
  /** R52: a second ADS stream beside the first (two clients with one node). */
  "opens-second-ads-stream": async (cp) => {
    await cp.apply("v1", state(["a"]));
    await clustersAcked(cp);
    const second = new Subscriber(cp.tap.address, cp.sub.variant, cp.sub.node);
    try {
      second.subscribeAll(CDS);
      second.ack(await second.next(CDS));
      await cp.caughtUp();
    } finally {
      second.close();
    }
  },
  /** R55: sends a subscription change carrying the nonce of a response it already ACKed. */
  "nonce-on-spontaneous-request": async (cp) => {
    await cp.apply("v1", state(["a"]));
    const r = await clustersAcked(cp);
    cp.sub.subscribe(EDS, ["a"], { nonce: r.nonce });
    await cp.sub.next(EDS);
  },
  /** R90: subscribes to "b"'s endpoints when cluster "b" comes and keeps them after "b" is gone. */
  "keeps-stale-eds-name": async (cp) => {
    await cp.apply("v1", state(["a"]));
    await clustersAcked(cp);
    cp.sub.subscribe(EDS, ["a"]);
    cp.sub.ack(await cp.sub.next(EDS));
    await cp.apply("v2", state(["a", "b"]));
    cp.sub.ack(await cp.sub.next(CDS));
    cp.sub.subscribe(EDS, ["b"]);
    cp.sub.ack(await cp.sub.next(EDS));
    await cp.apply("v3", state(["a"]));
    cp.sub.ack(await cp.sub.next(CDS));
    await cp.caughtUp();
    return { subject: "b" };
  },
  /** R91: subscribes to listener "y"'s routes when it comes and keeps them after "y" is gone. */
  "keeps-stale-rds-name": async (cp) => {
    const listeners = (names: string[]) => [
      ...state(["a"]),
      ...names.flatMap((n) => [httpListener(n, 0, `${n}-routes`), routeConfig(`${n}-routes`, "a")]),
    ];
    await cp.apply("v1", listeners(["x"]));
    cp.sub.subscribeAll(LDS);
    cp.sub.ack(await cp.sub.next(LDS));
    cp.sub.subscribe(RDS, ["x-routes"]);
    cp.sub.ack(await cp.sub.next(RDS));
    await cp.apply("v2", listeners(["x", "y"]));
    cp.sub.ack(await cp.sub.next(LDS));
    cp.sub.subscribe(RDS, ["y-routes"]);
    cp.sub.ack(await cp.sub.next(RDS));
    await cp.apply("v3", listeners(["x"]));
    cp.sub.ack(await cp.sub.next(LDS));
    await cp.caughtUp();
    return { subject: "y-routes" };
  },
  /** R24 (server fault unrequested-eds): applies every load assignment it receives. */
  "applies-unrequested": async (cp) => {
    await cp.apply("v1", state(["a"]));
    await clustersAcked(cp);
    cp.sub.subscribe(EDS, ["a"]);
    const r = await cp.sub.next(EDS);
    cp.sub.ack(r);
    await cp.caughtUp();
    return { applied: new Map([[EDS, new Set(r.names)]]) };
  },
  /** R33: takes each delta response for the whole state (drops what it left out). */
  "replaces-state-on-delta": async (cp) => {
    await cp.apply("v1", clusters({ a: "1s", b: "1s" }));
    await clustersAcked(cp);
    await cp.apply("v2", clusters({ a: "2s", b: "1s" }));
    const r = await cp.sub.next(CDS);
    cp.sub.ack(r);
    await cp.caughtUp();
    return { applied: new Map([[CDS, new Set(r.names)]]) };
  },
  /** R38: keeps a cluster that left the SotW CDS response. */
  "keeps-absent-cluster": async (cp) => {
    await cp.apply("v1", clusters({ a: "1s", b: "1s" }));
    const r1 = await clustersAcked(cp);
    await cp.apply("v2", clusters({ a: "1s" }));
    cp.sub.ack(await cp.sub.next(CDS));
    await cp.caughtUp();
    return { applied: new Map([[CDS, new Set(r1.names)]]) };
  },
  /** R39: drops a load assignment that a SotW EDS response left out. */
  "drops-absent-endpoints": async (cp) => {
    await cp.apply("v1", [...clusters({ a: "1s", b: "1s" }), ...assignments({ a: 9000, b: 9000 })]);
    await clustersAcked(cp);
    cp.sub.subscribe(EDS, ["a", "b"]);
    cp.sub.ack(await cp.sub.next(EDS));
    await cp.apply("v2", [...clusters({ a: "1s", b: "1s" }), ...assignments({ a: 9100 })]);
    const r2 = await cp.sub.next(EDS);
    cp.sub.ack(r2);
    await cp.caughtUp();
    return { applied: new Map([[EDS, new Set(r2.names)]]) };
  },
  /** R47: reports cluster "b" active as soon as it arrives, before its load assignment. */
  "activates-before-warming": async (cp) => {
    await cp.apply("v1", state(["a"]));
    await clustersAcked(cp);
    const observations: WarmingObservation[] = [];
    await cp.apply("v2", [...state(["a"]), ...clusters({ b: "1s" })]);
    cp.sub.ack(await cp.sub.next(CDS));
    observations.push({ at: now(), active: new Set(["a", "b"]), warming: new Set() });
    await cp.apply("v3", state(["a", "b"]));
    cp.sub.subscribe(EDS, ["a", "b"]);
    cp.sub.ack(await cp.sub.next(EDS));
    observations.push({ at: now(), active: new Set(["a", "b"]), warming: new Set() });
    return { observations, subject: "b" };
  },
} satisfies Record<string, Script>;

export type DpDoubleKind = keyof typeof SCRIPTS;

/** Runs the double's script against a fresh reference control plane (with `server`'s fault modes). */
export async function runDpDouble(
  ctx: CheckContext,
  kind: DpDoubleKind,
  server: ReferenceServerOptions = {},
): Promise<DoubleOutcome> {
  const cp = await startControlPlane(ctx, server);
  try {
    const extra = (await (SCRIPTS[kind] as Script)(cp)) ?? {};
    return { entries: [...cp.tap.entries()], nodeId: cp.nodeId, ...extra };
  } finally {
    await cp[Symbol.asyncDispose]();
  }
}

export const dpDoubleTwin = (kind: DpDoubleKind, description: string) => ({
  name: `dp-double:${kind}`,
  description: `a scripted data plane that ${description}`,
  params: { dpDouble: kind },
});

/** The double a twin asks for, if any. */
export const dpDoubleOf = (ctx: CheckContext): DpDoubleKind | undefined =>
  ctx.params.dpDouble as DpDoubleKind | undefined;
