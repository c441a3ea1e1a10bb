// Path B: an Envoy sidecar in the "sidecar" pod, fed with the translator's output for the Services and
// EndpointSlices stored in the API server (feeds.ts: translated in process, or by the kube-reference
// control plane watching the API server), and reached by transparent
// interception: an iptables REDIRECT in the pod's own network namespace sends every TCP connection to the
// Service CIDR to Envoy's outbound listener, as Istio's istio-iptables does (ISTIO_OUTPUT →
// ISTIO_REDIRECT → REDIRECT --to-ports 15001). Istio excludes the sidecar's own traffic by its uid (1337);
// here only the Service CIDR is redirected, and Envoy dials pod IPs only, which is equivalent.
import { waitForAcks } from "../../../harness/xds/wait-for-acks.ts";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { LocalPod, StartedLocalCluster } from "../../../harness/clusters/local/local-cluster.ts";
import { SERVICE_CIDR } from "../../../harness/clusters/local/local-cluster.ts";
import { nsExec } from "../../../harness/clusters/local/netns.ts";
import { NODE_NAME_METADATA, sourceKey } from "../../../harness/controlplanes/kube-reference.ts";
import { envoyBootstrapYaml } from "../../../harness/dataplanes/envoy-bootstrap.ts";
import { findEnvoy } from "../../../harness/dataplanes/envoy-binary.ts";
import { LISTENER_TYPE_URL, ROUTE_TYPE_URL } from "../../../harness/proto/type-urls.ts";
import type { TranslatorFault } from "../../../harness/translate/faults.ts";
import type { ChildHandle } from "../../../harness/util/child.ts";
import type { RequestEvent } from "../../../harness/xds/events.ts";
import { startFeed, type FeedKind, type Pushed, type SidecarFeed } from "./feeds.ts";
import type { KubeState } from "./topology.ts";

export const OUTBOUND_PORT = 15001;
const ADMIN_PORT = 15000;

/** The interception rules, in Istio's chain shape; also shown as evidence. */
export const REDIRECT_RULES: string[][] = [
  ["-t", "nat", "-N", "XDSC_REDIRECT"],
  ["-t", "nat", "-A", "XDSC_REDIRECT", "-p", "tcp", "-j", "REDIRECT", "--to-ports", String(OUTBOUND_PORT)],
  ["-t", "nat", "-N", "XDSC_OUTPUT"],
  ["-t", "nat", "-A", "OUTPUT", "-p", "tcp", "-j", "XDSC_OUTPUT"],
  ["-t", "nat", "-A", "XDSC_OUTPUT", "-o", "lo", "-j", "RETURN"],
  ["-t", "nat", "-A", "XDSC_OUTPUT", "-d", SERVICE_CIDR, "-j", "XDSC_REDIRECT"],
];

export class Sidecar {
  private feed?: SidecarFeed;
  private envoy?: ChildHandle;
  private served = new Set<string>();
  readonly nodeId: string;
  /** What the last push served, and what it was made from. */
  lastPush?: Pushed;

  constructor(
    private readonly cluster: StartedLocalCluster,
    readonly pod: LocalPod,
    private readonly fault: TranslatorFault | undefined,
    readonly feedKind: FeedKind = "reference",
  ) {
    this.nodeId = `sidecar-${cluster.name}`;
  }

  /** Serves `state` (as read back from the API server) and waits until Envoy has ACKed all of it. */
  async apply(state: KubeState): Promise<void> {
    const keys = new Set([...state.services, ...state.slices].map(sourceKey));
    const gone = [...this.served].filter((k) => !keys.has(k));
    this.served = keys;
    if (!this.feed) return this.boot(state);
    const nacks: RequestEvent[] = [];
    const onRequest = (e: RequestEvent) => e.classification === "nack" && nacks.push(e);
    const server = this.feed.server;
    server.on("request", onRequest);
    try {
      const pushed = (this.lastPush = await this.feed.push(this.nodeId, state, gone));
      await server.waitForQuiescence(this.nodeId, 15_000);
      assertAcked(pushed, nacks);
    } finally {
      server.off("request", onRequest);
    }
  }

  private async boot(state: KubeState): Promise<void> {
    const translate = { listenerAddress: "127.0.0.1", listenerPort: OUTBOUND_PORT };
    const feed = (this.feed = await startFeed(this.feedKind, this.cluster, translate, this.fault));
    const server = feed.server;
    for (const rule of REDIRECT_RULES) await nsExec(this.pod.netns, "iptables", rule);
    let acked: Promise<void> | undefined;
    if (feed.servesBeforeConnect) {
      const pushed = (this.lastPush = await feed.push(this.nodeId, state, []));
      acked = waitForAcks(server, this.nodeId, [LISTENER_TYPE_URL, ROUTE_TYPE_URL], pushed.version, 30_000);
    }
    const xds = await this.cluster.exposeToPod(this.pod, server.port);
    const bootstrap = join(this.cluster.dir, "sidecar-bootstrap.yaml");
    writeFileSync(
      bootstrap,
      envoyBootstrapYaml({
        // NODE_NAME: the Kubernetes node, as istio-agent tells istiod (internalTrafficPolicy Local).
        node: {
          id: this.nodeId,
          cluster: "sidecar",
          metadata: { [NODE_NAME_METADATA]: this.cluster.nodeName },
        },
        xds: { mode: "ads", transport: "sotw", address: xds.address },
        adminPort: ADMIN_PORT,
      }),
    );
    this.envoy = await this.cluster.startInPod(
      this.pod,
      findEnvoy(),
      ["-c", bootstrap, "--log-level", "warning", "--concurrency", "1", "--disable-hot-restart"],
      { name: "envoy", logFile: join(this.cluster.dir, "sidecar-envoy.log") },
    );
    const envoySaid = (e: Error) =>
      Promise.reject(new Error(`${e.message}; envoy said:\n${this.envoy?.logs(20) ?? ""}`));
    if (acked) return acked.catch(envoySaid);
    // The control plane pushes once Envoy connects: wait for that push, then for every ACK.
    const nacks: RequestEvent[] = [];
    const onRequest = (e: RequestEvent) => e.classification === "nack" && nacks.push(e);
    server.on("request", onRequest);
    try {
      const pushed = (this.lastPush = await feed.push(this.nodeId, state, []).catch(envoySaid));
      await server.waitForQuiescence(this.nodeId, 15_000);
      assertAcked(pushed, nacks);
    } finally {
      server.off("request", onRequest);
    }
  }

  /** Envoy's /config_dump (with EDS) as JSON text, through a bridge into the pod. */
  async configDump(): Promise<string> {
    const bridge = await this.cluster.connectFromPod(this.pod, `127.0.0.1:${ADMIN_PORT}`);
    try {
      const res = await fetch(`http://${bridge.address}/config_dump?include_eds`);
      return await res.text();
    } finally {
      await bridge.stop();
    }
  }

  /** The pod's nat table: the interception rules as installed. */
  interceptionRules(): Promise<string> {
    return nsExec(this.pod.netns, "iptables-save", ["-t", "nat"]);
  }

  logs(): string {
    return this.envoy?.logs(50) ?? "";
  }

  /** Envoy and bridges stop with the cluster (they run in its pods); the feed is ours. */
  async stop(): Promise<void> {
    await this.envoy?.stop({ graceMs: 2000 });
    await this.feed?.stop();
  }
}

function assertAcked(pushed: Pushed, nacks: RequestEvent[]): void {
  const bad = pushed.result.steps.filter((s) => s.outcome === "timeout" || s.outcome === "nacked");
  if (bad.length > 0 || nacks.length > 0)
    throw new Error(
      `sidecar xDS ${pushed.version}: expected every type ACKed, got ${[...bad.map((s) => `${s.typeUrl.split(".").pop()} ${s.outcome}`), ...nacks.map((n) => `NACK ${n.errorDetail?.message}`)].join("; ")}`,
    );
}
