// The `local` provider: real etcd + kube-apiserver on loopback, real kube-proxy in a "node" network
// namespace, and "pods" as network namespaces routed through the node namespace. No kubelet: the harness
// writes Nodes, Services and EndpointSlices (with the readiness it wants) itself.
//
// Addressing, all of it inside namespaces this handle creates (nothing in the root namespace):
//   node ns    lo carries the node IP 10.244.0.1 and the pods' gateway 169.254.1.1; one veth per pod
//              with a /32 host route to it. Every pod-to-pod packet is routed (not bridged) through the node,
//              so kube-proxy's DNAT and its conntrack see both directions.
//   pod ns     eth0 with 10.244.0.<n>/32, default route via 169.254.1.1 (answered by the node's ARP).
//   ClusterIPs 10.96.0.0/16 (SERVICE_CIDR), programmed by kube-proxy in the node namespace only.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { getReaper, registerCleanup } from "../../util/reaper.ts";
import { startChild, type ChildHandle, type ChildOptions } from "../../util/child.ts";
import type { KubeClient } from "../kube-client.ts";
import type { ProxyMode, StartedCluster } from "../types.ts";
import { kubeBinaries, type KubeBinaries } from "./binaries.ts";
import { SERVICE_CIDR, startControlPlane, type ControlPlane } from "./control-plane.ts";
import { dumpProxyRules, startKubeProxy, waitForProxyRules } from "./kube-proxy.ts";
import { intoNamespace, outOfNamespace, type LoopbackBridge } from "./loopback-bridge.ts";
import { addNetns, addVethPair, deleteNetns, missingTools, nsExec, sh, sysctl } from "./netns.ts";

export const POD_CIDR = "10.244.0.0/24";
export const NODE_IP = "10.244.0.1";
const GATEWAY_IP = "169.254.1.1";
const MAX_PODS = 250;

export interface LocalPod {
  readonly name: string;
  readonly netns: string;
  readonly ip: string;
}

export class LocalCluster {
  private proxyMode: ProxyMode = "iptables";
  private binaries?: KubeBinaries;
  private readyTimeoutMs = 90_000;
  private stateDir?: string;

  withProxyMode(mode: ProxyMode): this {
    this.proxyMode = mode;
    return this;
  }

  /** Binaries to run instead of building/reusing them through scripts/build-kube.sh. */
  withBinaries(binaries: KubeBinaries): this {
    this.binaries = binaries;
    return this;
  }

  /** How long the API server may take to answer /readyz (default 90000). */
  withReadyTimeoutMs(ms: number): this {
    this.readyTimeoutMs = ms;
    return this;
  }

  /**
   * Keep state, PKI, kubeconfig and component logs in dir (created if missing, must be empty) and leave
   * it after stop(), instead of a temp dir that is removed.
   */
  withStateDir(dir: string): this {
    this.stateDir = dir;
    return this;
  }

  async start(): Promise<StartedLocalCluster> {
    const missing = await missingTools();
    if (missing.length > 0) {
      throw new Error(
        `local cluster: expected these tools on PATH, got them missing: ${missing.join(", ")} (apt-get install them)`,
      );
    }
    const bins = this.binaries ?? (await kubeBinaries());
    const runId = randomBytes(3).toString("hex");
    const keepDir = this.stateDir !== undefined;
    const dir = keepDir ? ownStateDir(this.stateDir!) : mkdtempSync(join(tmpdir(), `xdsc-kube-${runId}-`));
    if (!keepDir) getReaper().register({ kind: "dir", value: dir });
    const cluster = new StartedLocalCluster(runId, dir, bins, this.proxyMode, keepDir);
    try {
      await cluster.boot(this.readyTimeoutMs);
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }
}

function ownStateDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const entries = readdirSync(dir);
  if (entries.length > 0)
    throw new Error(`state dir ${dir}: expected an empty directory, got ${entries.slice(0, 5).join(", ")}`);
  return dir;
}

export class StartedLocalCluster implements StartedCluster {
  readonly provider = "local";
  readonly nodeNs: string;
  readonly nodeName: string;
  private controlPlane?: ControlPlane;
  private apiBridge?: LoopbackBridge;
  private proxy?: ChildHandle;
  private readonly pods = new Map<string, LocalPod>();
  private readonly children = new Set<ChildHandle>();
  private readonly bridges = new Set<LoopbackBridge>();
  private readonly namespaces: string[] = [];
  private readonly startedPids: number[] = [];
  private stopping?: Promise<void>;
  private readonly unregisterCleanup: () => void;

  constructor(
    readonly name: string,
    readonly dir: string,
    readonly binaries: KubeBinaries,
    private mode: ProxyMode,
    private readonly keepDir = false,
  ) {
    this.nodeNs = `xdsc-${name}-node`;
    this.nodeName = `xdsc-${name}-node`;
    this.unregisterCleanup = registerCleanup(() => this.stop());
  }

  get proxyMode(): ProxyMode {
    return this.mode;
  }
  get client(): KubeClient {
    return this.cp().client;
  }
  get kubeconfigPath(): string {
    return this.cp().kubeconfigPath;
  }
  /** The prefix of every network namespace this cluster creates (for leak checks). */
  get netnsPrefix(): string {
    return `xdsc-${this.name}-`;
  }

  private cp(): ControlPlane {
    if (!this.controlPlane)
      throw new Error(`local cluster ${this.name}: expected a started control plane, got none`);
    return this.controlPlane;
  }

  /** @internal */
  async boot(readyTimeoutMs: number): Promise<void> {
    await this.addNamespace(this.nodeNs);
    // On lo: this kernel has no dummy interfaces, and Linux answers ARP for any local address anyway.
    await sh("ip", ["-n", this.nodeNs, "addr", "add", `${NODE_IP}/32`, "dev", "lo"]);
    await sh("ip", ["-n", this.nodeNs, "addr", "add", `${GATEWAY_IP}/32`, "dev", "lo"]);
    await sysctl(this.nodeNs, "net.ipv4.ip_forward", "1");
    // A real node routes the Service CIDR (its default route). Without a route, a connection to a
    // ClusterIP without endpoints is answered "network unreachable" by routing, before kube-proxy's REJECT
    // in the forward hook can refuse it. The uplink is a veth whose peer stays down: nothing leaves.
    await addVethPair(this.nodeNs, "uplink", this.nodeNs, "uplink-peer");
    await sh("ip", ["-n", this.nodeNs, "link", "set", "uplink", "up"]);
    await sh("ip", ["-n", this.nodeNs, "route", "add", SERVICE_CIDR, "dev", "uplink"]);
    this.controlPlane = await startControlPlane(this.binaries, this.dir, {
      readyTimeoutMs,
      advertiseAddress: NODE_IP,
    });
    this.startedPids.push(...this.controlPlane.children.map((c) => c.pid));
    this.apiBridge = await intoNamespace(this.nodeNs, this.controlPlane.port, this.dir);
    this.startedPids.push(this.apiBridge.pid);
    await this.client.apply({
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: this.nodeName, labels: { "kubernetes.io/hostname": this.nodeName } },
      spec: { podCIDR: POD_CIDR, podCIDRs: [POD_CIDR] },
    });
    await this.client.apply(
      {
        apiVersion: "v1",
        kind: "Node",
        metadata: { name: this.nodeName },
        status: {
          addresses: [
            { type: "InternalIP", address: NODE_IP },
            { type: "Hostname", address: this.nodeName },
          ],
        },
      },
      { subresource: "status" },
    );
    await this.startProxy();
  }

  private async startProxy(): Promise<void> {
    const cp = this.cp();
    this.proxy = await startKubeProxy({
      binary: this.binaries.kubeProxy,
      mode: this.mode,
      nodeNs: this.nodeNs,
      nodeName: this.nodeName,
      clusterCidr: POD_CIDR,
      server: `https://${this.apiBridge!.address}`,
      caPem: cp.caPem,
      token: cp.token,
      dir: this.dir,
    });
    this.startedPids.push(this.proxy.pid);
  }

  /** The running kube-proxy (its logs, its exit). */
  get kubeProxy(): ChildHandle {
    if (!this.proxy) throw new Error(`local cluster ${this.name}: expected kube-proxy running, got none`);
    return this.proxy;
  }

  /** Replaces kube-proxy with one in another mode; `kube-proxy --cleanup` removes the old mode's rules first. */
  async setProxyMode(mode: ProxyMode): Promise<void> {
    await this.proxy?.stop({ graceMs: 3000 });
    await nsExec(this.nodeNs, this.binaries.kubeProxy, ["--cleanup"], 60_000);
    this.mode = mode;
    await this.startProxy();
  }

  /** Waits until kube-proxy's rules mention every needle (a ClusterIP, endpoint IPs) and no `absent` one. */
  waitForProxyRules(needles: string[], timeoutMs = 30_000, absent: string[] = []): Promise<void> {
    return waitForProxyRules(this.nodeNs, this.mode, needles, this.kubeProxy, timeoutMs, absent);
  }

  /** Every process this cluster started (running or not): for leak checks after stop(). */
  get processIds(): number[] {
    return [...this.startedPids];
  }

  proxyRules(): Promise<string> {
    return dumpProxyRules(this.nodeNs, this.mode);
  }

  /** A "pod": its own network namespace with one address, routed through the node namespace. */
  async addPod(name: string): Promise<LocalPod> {
    if (!/^[a-z0-9][a-z0-9-]{0,30}$/.test(name))
      throw new Error(`pod name: expected [a-z0-9-]{1,31}, got "${name}"`);
    if (this.pods.has(name)) throw new Error(`pod ${name}: expected a new name, got one already added`);
    const index = this.pods.size;
    if (index >= MAX_PODS) throw new Error(`pods: expected at most ${MAX_PODS}, got one more`);
    const pod = { name, netns: `${this.netnsPrefix}${name}`, ip: `10.244.0.${index + 2}` };
    await this.addNamespace(pod.netns);
    const hostSide = `vp${index}`;
    await addVethPair(pod.netns, "eth0", this.nodeNs, hostSide);
    await sh("ip", ["-n", pod.netns, "addr", "add", `${pod.ip}/32`, "dev", "eth0"]);
    await sh("ip", ["-n", pod.netns, "link", "set", "eth0", "up"]);
    await sh("ip", ["-n", pod.netns, "route", "add", GATEWAY_IP, "dev", "eth0"]);
    await sh("ip", ["-n", pod.netns, "route", "add", "default", "via", GATEWAY_IP, "dev", "eth0"]);
    await sh("ip", ["-n", this.nodeNs, "link", "set", hostSide, "up"]);
    await sh("ip", ["-n", this.nodeNs, "route", "add", `${pod.ip}/32`, "dev", hostSide]);
    this.pods.set(name, pod);
    return pod;
  }

  /** Starts a process inside a pod's namespace; it is stopped with the cluster. */
  async startInPod(
    pod: LocalPod,
    command: string,
    args: string[],
    options: ChildOptions = {},
  ): Promise<ChildHandle> {
    const child = await startChild("ip", ["netns", "exec", pod.netns, command, ...args], {
      name: `${options.name ?? command}(${pod.name})`,
      ...options,
    });
    this.children.add(child);
    this.startedPids.push(child.pid);
    void child.exited.then(() => this.children.delete(child));
    return child;
  }

  /** Makes a root-loopback port (e.g. the reference xDS server) reachable as 127.0.0.1:<port> in the pod. */
  async exposeToPod(pod: LocalPod, rootPort: number): Promise<LoopbackBridge> {
    return this.track(await intoNamespace(pod.netns, rootPort, this.dir));
  }

  /** Makes host:port as seen from inside the pod (a ClusterIP, its loopback) reachable on root 127.0.0.1. */
  async connectFromPod(pod: LocalPod, target: string): Promise<LoopbackBridge> {
    return this.track(await outOfNamespace(pod.netns, target, this.dir));
  }

  private track(bridge: LoopbackBridge): LoopbackBridge {
    this.bridges.add(bridge);
    this.startedPids.push(bridge.pid);
    const stop = bridge.stop.bind(bridge);
    return {
      address: bridge.address,
      pid: bridge.pid,
      stop: async () => (this.bridges.delete(bridge), stop()),
    };
  }

  private async addNamespace(ns: string): Promise<void> {
    this.namespaces.push(ns);
    await addNetns(ns);
  }

  /** Processes first (a process keeps its namespace busy), then namespaces, the control plane, the dir. */
  stop(): Promise<void> {
    this.stopping ??= this.teardown();
    return this.stopping;
  }

  private async teardown(): Promise<void> {
    const errors: unknown[] = [];
    const attempt = async (fn: () => Promise<unknown>) => fn().catch((e: unknown) => void errors.push(e));
    await Promise.all([...this.bridges].map((b) => attempt(() => b.stop())));
    await Promise.all([...this.children].map((c) => attempt(() => c.stop({ graceMs: 2000 }))));
    await attempt(async () => this.proxy?.stop({ graceMs: 3000 }));
    await attempt(async () => this.apiBridge?.stop());
    for (const ns of [...this.namespaces].reverse()) await attempt(() => deleteNetns(ns));
    await attempt(async () => this.controlPlane?.stop());
    if (!this.keepDir) {
      rmSync(this.dir, { recursive: true, force: true });
      getReaper().unregister({ kind: "dir", value: this.dir });
    }
    this.unregisterCleanup();
    if (errors.length > 0)
      throw new Error(`local cluster ${this.name}: teardown errors: ${errors.map(String).join("; ")}`);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

export { SERVICE_CIDR };
