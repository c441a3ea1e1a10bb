// The `existing` provider: any cluster reachable through a kubeconfig. The harness never creates or
// deletes it; stop() only forgets the handle. The kube-proxy mode is whatever the user says it is
// (reading it from the cluster needs access to kube-system that a user may not grant).
import { homedir } from "node:os";
import { join } from "node:path";
import { KubeClient, credentialsFromKubeconfig } from "./kube-client.ts";
import type { ProxyMode, StartedCluster } from "./types.ts";

export class ExistingCluster {
  private kubeconfigPath = process.env.KUBECONFIG?.split(":")[0] || join(homedir(), ".kube", "config");
  private context?: string;
  private proxyMode?: ProxyMode;
  private readyTimeoutMs = 10_000;

  withKubeconfig(path: string): this {
    this.kubeconfigPath = path;
    return this;
  }
  withContext(name: string): this {
    this.context = name;
    return this;
  }
  /** The mode kube-proxy runs in on that cluster, for the report (default: unknown). */
  withProxyMode(mode: ProxyMode): this {
    this.proxyMode = mode;
    return this;
  }
  withReadyTimeoutMs(ms: number): this {
    this.readyTimeoutMs = ms;
    return this;
  }

  async start(): Promise<StartedExistingCluster> {
    const credentials = credentialsFromKubeconfig(this.kubeconfigPath, this.context);
    const client = new KubeClient(credentials);
    try {
      await client.raw("/version", this.readyTimeoutMs);
    } catch (error) {
      throw new Error(
        `existing cluster (${this.kubeconfigPath}${this.context ? `, context ${this.context}` : ""}): expected ${credentials.server}/version to answer, got ${(error as Error).message}`,
      );
    }
    return new StartedExistingCluster(
      this.context ?? credentials.server,
      this.proxyMode,
      this.kubeconfigPath,
      client,
    );
  }
}

export class StartedExistingCluster implements StartedCluster {
  readonly provider = "existing";
  constructor(
    readonly name: string,
    readonly proxyMode: ProxyMode | undefined,
    readonly kubeconfigPath: string,
    readonly client: KubeClient,
  ) {}

  async stop(): Promise<void> {}

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
