// The cluster provider interface: something that yields a Kubernetes API server (and, for `local`, a
// data path through real kube-proxy). Providers are builders that start handles, like the data-plane
// adapters: `new LocalCluster().withProxyMode("nftables").start()` → StartedCluster.
import type { KubeClient } from "./kube-client.ts";

export type ProviderName = "local" | "kind" | "existing";

/** kube-proxy's --proxy-mode. `ipvs` is listed so that it can be reported as skipped, never run here. */
export type ProxyMode = "iptables" | "nftables" | "ipvs";

export type IpFamily = "ipv4" | "ipv6" | "dual";

/** Why a mode cannot run on this machine, or undefined when it can (DESIGN.md §8 facts). */
export type ModeSupport = { supported: true } | { supported: false; reason: string };

export interface StartedCluster extends AsyncDisposable {
  readonly provider: ProviderName;
  /** The run-unique cluster name (kind cluster name, local run id, or the kubeconfig context). */
  readonly name: string;
  readonly proxyMode: ProxyMode | undefined;
  /** A kubeconfig file the harness can hand to other tools (kubectl, istiod, kube-driven CPs). */
  readonly kubeconfigPath: string;
  readonly client: KubeClient;
  /** Stops or deletes what this handle started (a kept or existing cluster is left alone). */
  stop(): Promise<void>;
}

/** Minimal Kubernetes object shape: what every manifest the harness writes has. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}
