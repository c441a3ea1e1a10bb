// The parity topology on the local cluster (harness/clusters/local): echo pods behind a Service, a plain
// client pod whose connections to the ClusterIP go through real kube-proxy (path A), and a "sidecar" pod
// whose connections to the ClusterIP are REDIRECTed to Envoy (path B, sidecar.ts). One per check: the
// cluster starts in 3–5 s, and a fresh one leaves no state from another check behind.
import { fileURLToPath } from "node:url";
import { kubeBinaries } from "../../../harness/clusters/local/binaries.ts";
import {
  LocalCluster,
  type LocalPod,
  type StartedLocalCluster,
} from "../../../harness/clusters/local/local-cluster.ts";
import { nsExec, sysctl } from "../../../harness/clusters/local/netns.ts";
import type { EndpointSlice, Service } from "../../../harness/clusters/kube-types.ts";
import type { TrafficRecord } from "../../../harness/traffic/traffic-record.ts";
import type { ChildHandle } from "../../../harness/util/child.ts";

const POD_ECHO = fileURLToPath(new URL("../../../harness/clusters/local/pod-echo.mjs", import.meta.url));
const POD_CLIENT = fileURLToPath(new URL("./pod-client.mjs", import.meta.url));

/** The ClusterIP every parity Service uses (inside SERVICE_CIDR 10.96.0.0/16). */
export const CLUSTER_IP = "10.96.0.10";
export const NAMESPACE = "default";

/** An echo pod and the ports it listens on; each port answers as `<pod>:<port>`. */
export interface EchoPodSpec {
  name: string;
  ports: number[];
}

export interface ProbeRecord extends TrafficRecord {
  body?: string;
  errorCode?: string;
  localPort?: number;
}

export interface ProbeOptions {
  /** "ip:port" as the client dials it (the ClusterIP and the Service port). */
  target: string;
  count: number;
  /** All requests on one keep-alive connection (default: a new connection per request). */
  keepAlive?: boolean;
  timeoutMs?: number;
  /** Keep sending (at most `count`) until this file exists; `startedFile` is made after the first answer. */
  untilFile?: string;
  startedFile?: string;
}

export interface KubeState {
  services: Service[];
  slices: EndpointSlice[];
}

export class ParityTopology {
  private readonly applied = new Map<string, Service | EndpointSlice>();
  /** The running echo processes, by `<pod>:<port>`. */
  private readonly echoes = new Map<string, ChildHandle>();

  private constructor(
    readonly cluster: StartedLocalCluster,
    readonly pods: Map<string, LocalPod>,
    private readonly specs: EchoPodSpec[],
    /** Path A's client: its connections to a ClusterIP meet kube-proxy's rules on the node. */
    readonly client: LocalPod,
    /** Path B's client: the same workload, with REDIRECT to the Envoy sidecar in its namespace. */
    readonly sidecarPod: LocalPod,
  ) {}

  static async start(echoPods: EchoPodSpec[]): Promise<ParityTopology> {
    const binaries = await kubeBinaries();
    const cluster = await new LocalCluster().withBinaries(binaries).withProxyMode("iptables").start();
    try {
      // kube-proxy refuses connections to a Service without endpoints with an ICMP port unreachable, and
      // the kernel rate-limits those per client (a burst of 6, then 1/s): later connects would see SYN
      // timeouts instead. Lifted in the node namespace so that every probe sees the REJECT
      // (EXPECTATIONS.md, "no endpoints").
      await sysctl(cluster.nodeNs, "net.ipv4.icmp_ratelimit", "0");
      const pods = new Map<string, LocalPod>();
      for (const spec of echoPods) pods.set(spec.name, await cluster.addPod(spec.name));
      const client = await cluster.addPod("client");
      const sidecarPod = await cluster.addPod("sidecar");
      const topo = new ParityTopology(cluster, pods, echoPods, client, sidecarPod);
      // Echo processes start in parallel: node's start-up dominates on a busy machine.
      await Promise.all(echoPods.map((spec) => topo.startEcho(spec.name)));
      return topo;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  /** Starts the echo processes of a pod (those not running), resolving once each listens. */
  async startEcho(name: string): Promise<void> {
    const pod = this.pods.get(name);
    const spec = this.specs.find((s) => s.name === name);
    if (!pod || !spec)
      throw new Error(`echo pod "${name}": expected one of ${[...this.pods.keys()].join(", ")}`);
    await Promise.all(
      spec.ports.map(async (port) => {
        const id = `${name}:${port}`;
        const running = this.echoes.get(id);
        if (running && running.exit === undefined) return;
        const echo = await this.cluster.startInPod(
          pod,
          process.execPath,
          [POD_ECHO, id, pod.ip, String(port)],
          { name: "pod-echo" },
        );
        this.echoes.set(id, echo);
        await echo.waitForLine(/^listening /, 15_000);
      }),
    );
  }

  /** Stops the echo processes of a pod (a pod going away: its connections end with it). */
  async stopEcho(name: string): Promise<void> {
    const own = [...this.echoes].filter(([id]) => id.startsWith(`${name}:`));
    await Promise.all(own.map(([, echo]) => echo.stop({ graceMs: 2000 })));
    for (const [id] of own) this.echoes.delete(id);
  }

  ip(pod: string): string {
    const p = this.pods.get(pod);
    if (!p) throw new Error(`pod "${pod}": expected one of ${[...this.pods.keys()].join(", ")}, got none`);
    return p.ip;
  }

  /** Makes the API server hold exactly `state` among the objects this topology wrote. */
  async applyState(state: KubeState): Promise<void> {
    const wanted = new Map<string, Service | EndpointSlice>();
    for (const o of [...state.services, ...state.slices]) wanted.set(`${o.kind}/${o.metadata.name}`, o);
    for (const [key, o] of this.applied) if (!wanted.has(key)) await this.cluster.client.delete(o as never);
    for (const o of wanted.values()) await this.cluster.client.apply(o as never);
    this.applied.clear();
    for (const [key, o] of wanted) this.applied.set(key, o);
  }

  /** What a controller would read back: the stored Services and EndpointSlices of the namespace. */
  async readState(): Promise<KubeState> {
    const client = this.cluster.client;
    // Only this check's objects (the API server's own "kubernetes" Service is not part of it).
    const ours = (o: Service | EndpointSlice) => this.applied.has(`${o.kind}/${o.metadata.name}`);
    const services = await client.list<Service>("v1", "Service", NAMESPACE);
    const slices = await client.list<EndpointSlice>("discovery.k8s.io/v1", "EndpointSlice", NAMESPACE);
    return {
      services: services.map((s) => ({ ...s, kind: "Service" as const })).filter(ours),
      slices: slices.map((s) => ({ ...s, kind: "EndpointSlice" as const })).filter(ours),
    };
  }

  /** Runs the client workload inside a pod; one record per request sent. */
  async probe(pod: LocalPod, options: ProbeOptions): Promise<ProbeRecord[]> {
    const timeoutMs = options.timeoutMs ?? 3000;
    const budgetMs = options.untilFile
      ? 120_000
      : 15_000 + options.count * (options.keepAlive ? 200 : timeoutMs);
    const out = await nsExec(
      pod.netns,
      process.execPath,
      [POD_CLIENT, JSON.stringify({ ...options, timeoutMs })],
      budgetMs,
    );
    const line = out.trim().split("\n").pop() ?? "";
    try {
      return (JSON.parse(line) as { records: ProbeRecord[] }).records;
    } catch {
      throw new Error(
        `pod-client in ${pod.name}: expected a JSON line of records, got ${JSON.stringify(out.slice(-300))}`,
      );
    }
  }

  stop(): Promise<void> {
    return this.cluster.stop();
  }
}
