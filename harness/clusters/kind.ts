// The `kind` provider: the kind CLI through execa, for machines where kind's node images can be pulled
// (GitHub's nightly runners; not this machine, DESIGN.md §8). The cluster name is per run unless reused;
// its node containers are registered with the reaper; logs are exported when creation fails.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { execa } from "execa";
import { stringify } from "yaml";
import { getReaper, registerCleanup } from "../util/reaper.ts";
import { KubeClient, credentialsFromKubeconfig } from "./kube-client.ts";
import type { IpFamily, ProxyMode, StartedCluster } from "./types.ts";

/** Runs a command and resolves with its stdout; rejects with its stderr. Injected by unit tests. */
export type CommandRunner = (file: string, args: string[], timeoutMs: number) => Promise<string>;

export const execaRunner: CommandRunner = async (file, args, timeoutMs) => {
  const result = await execa(file, args, { timeout: timeoutMs, reject: false, all: true });
  if (result.exitCode !== 0 || result.failed) {
    throw new Error(
      `${file} ${args.join(" ")}: expected exit 0, got ${result.exitCode ?? result.signal}: ${(result.all ?? "").trim().slice(-2000)}`,
    );
  }
  return result.stdout;
};

export interface KindSettings {
  proxyMode: ProxyMode;
  ipFamily: IpFamily;
  /** Worker nodes besides the control plane (default 1). */
  workers: number;
}

/** The kind cluster config (kind.x-k8s.io/v1alpha4) for the settings. */
export function kindConfig(s: KindSettings): Record<string, unknown> {
  return {
    kind: "Cluster",
    apiVersion: "kind.x-k8s.io/v1alpha4",
    networking: {
      kubeProxyMode: s.proxyMode,
      ipFamily: s.ipFamily,
      // kind's default, stated because the API server must stay on loopback (network rule).
      apiServerAddress: "127.0.0.1",
    },
    nodes: [{ role: "control-plane" }, ...Array.from({ length: s.workers }, () => ({ role: "worker" }))],
  };
}

/** Node container names kind gives a cluster (`<name>-control-plane`, `<name>-worker`, `<name>-worker2`, ...). */
export function kindNodeNames(name: string, workers: number): string[] {
  return [
    `${name}-control-plane`,
    ...Array.from({ length: workers }, (_, i) => `${name}-worker${i === 0 ? "" : i + 1}`),
  ];
}

export const kindArgs = {
  create: (name: string, configPath: string, kubeconfigPath: string, image?: string, waitS = 180) => [
    "create",
    "cluster",
    "--name",
    name,
    "--config",
    configPath,
    "--kubeconfig",
    kubeconfigPath,
    "--wait",
    `${waitS}s`,
    ...(image ? ["--image", image] : []),
  ],
  getClusters: () => ["get", "clusters"],
  kubeconfig: (name: string) => ["get", "kubeconfig", "--name", name],
  loadImage: (name: string, image: string) => ["load", "docker-image", image, "--name", name],
  exportLogs: (name: string, dir: string) => ["export", "logs", dir, "--name", name],
  delete: (name: string) => ["delete", "cluster", "--name", name],
};

export class KindCluster {
  private settings: KindSettings = { proxyMode: "iptables", ipFamily: "ipv4", workers: 1 };
  private name = `xdsc-${randomBytes(3).toString("hex")}`;
  private nodeImage?: string;
  private images: string[] = [];
  private keep = false;
  private reuse = false;
  private logsDir = join(tmpdir(), "xdsc-kind-logs");
  private runner: CommandRunner = execaRunner;
  private binary = process.env.KIND_BIN ?? "kind";

  withProxyMode(mode: ProxyMode): this {
    this.settings.proxyMode = mode;
    return this;
  }
  withIpFamily(family: IpFamily): this {
    this.settings.ipFamily = family;
    return this;
  }
  withWorkers(count: number): this {
    this.settings.workers = count;
    return this;
  }
  /** A fixed name instead of a per-run one (needed with withReuse). */
  withName(name: string): this {
    this.name = name;
    return this;
  }
  withNodeImage(image: string): this {
    this.nodeImage = image;
    return this;
  }
  /** Locally built images to `kind load docker-image` after creation. */
  withImages(...images: string[]): this {
    this.images.push(...images);
    return this;
  }
  /** Leave the cluster running after stop() (to debug it). */
  withKeep(keep = true): this {
    this.keep = keep;
    return this;
  }
  /** Use a cluster of the same name if one exists (and never delete it). */
  withReuse(reuse = true): this {
    this.reuse = reuse;
    return this;
  }
  /** Where `kind export logs` writes when creation fails. */
  withLogsDir(dir: string): this {
    this.logsDir = dir;
    return this;
  }
  withRunner(runner: CommandRunner, binary = this.binary): this {
    this.runner = runner;
    this.binary = binary;
    return this;
  }

  async start(): Promise<StartedKindCluster> {
    const run = (args: string[], timeoutMs = 60_000) => this.runner(this.binary, args, timeoutMs);
    const dir = mkdtempSync(join(tmpdir(), `xdsc-kind-${this.name}-`));
    const kubeconfigPath = join(dir, "kubeconfig");
    const existing = this.reuse ? (await run(kindArgs.getClusters())).split("\n").map((l) => l.trim()) : [];
    const reused = existing.includes(this.name);
    const owned = !reused && !this.keep;
    if (!reused) {
      const configPath = join(dir, "kind.yaml");
      writeFileSync(configPath, stringify(kindConfig(this.settings)));
      // Registered before creation: a harness killed mid-create must not leave node containers behind.
      if (owned)
        for (const node of kindNodeNames(this.name, this.settings.workers))
          getReaper().register({ kind: "container", value: node });
      try {
        await run(kindArgs.create(this.name, configPath, kubeconfigPath, this.nodeImage), 10 * 60_000);
      } catch (error) {
        const logs = join(this.logsDir, this.name);
        await run(kindArgs.exportLogs(this.name, logs), 120_000).catch(() => undefined);
        if (!this.keep) await run(kindArgs.delete(this.name), 120_000).catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
        throw new Error(
          `kind cluster ${this.name}: expected it created, got ${(error as Error).message} (logs in ${logs})`,
        );
      }
    }
    writeFileSync(kubeconfigPath, await run(kindArgs.kubeconfig(this.name)), { mode: 0o600 });
    for (const image of this.images) await run(kindArgs.loadImage(this.name, image), 10 * 60_000);
    const deleteCluster = async () => {
      if (owned) {
        await run(kindArgs.delete(this.name), 120_000);
        for (const node of kindNodeNames(this.name, this.settings.workers))
          getReaper().unregister({ kind: "container", value: node });
      }
      rmSync(dir, { recursive: true, force: true });
    };
    return new StartedKindCluster(
      this.name,
      this.settings.proxyMode,
      kubeconfigPath,
      deleteCluster,
      (logDir) => run(kindArgs.exportLogs(this.name, logDir), 120_000).then(() => undefined),
    );
  }
}

export class StartedKindCluster implements StartedCluster {
  readonly provider = "kind";
  readonly client: KubeClient;
  private stopping?: Promise<void>;
  private readonly unregisterCleanup: () => void;

  constructor(
    readonly name: string,
    readonly proxyMode: ProxyMode,
    readonly kubeconfigPath: string,
    private readonly deleteCluster: () => Promise<void>,
    private readonly exporter: (dir: string) => Promise<void>,
  ) {
    this.client = new KubeClient(credentialsFromKubeconfig(kubeconfigPath));
    this.unregisterCleanup = registerCleanup(() => this.stop());
  }

  /** `kind export logs` into dir (call it when a check on this cluster fails). */
  exportLogs(dir: string): Promise<void> {
    return this.exporter(dir);
  }

  stop(): Promise<void> {
    this.stopping ??= this.deleteCluster().finally(this.unregisterCleanup);
    return this.stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
