// Real kube-proxy, run inside the node namespace (`ip netns exec`), so that every rule it writes lives
// there and disappears with the namespace. It reaches the API server through a loopback bridge.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { startChild, type ChildHandle } from "../../util/child.ts";
import { tokenKubeconfig } from "../kube-client.ts";
import type { ModeSupport, ProxyMode } from "../types.ts";
import { nsExec } from "./netns.ts";

/** Whether this kernel can run the mode (DESIGN.md §8: no IPVS here; iptables and nftables work). */
export function proxyModeSupport(mode: ProxyMode): ModeSupport {
  if (mode === "ipvs" && !existsSync("/proc/net/ip_vs")) {
    return { supported: false, reason: "kernel lacks IPVS" };
  }
  return { supported: true };
}

export interface KubeProxyOptions {
  binary: string;
  mode: ProxyMode;
  nodeNs: string;
  nodeName: string;
  clusterCidr: string;
  /** API server URL as seen from inside the node namespace. */
  server: string;
  caPem: string;
  token: string;
  dir: string;
}

export function kubeProxyConfig(
  o: Pick<KubeProxyOptions, "mode" | "nodeName" | "clusterCidr">,
  kubeconfigPath: string,
) {
  return {
    apiVersion: "kubeproxy.config.k8s.io/v1alpha1",
    kind: "KubeProxyConfiguration",
    clientConnection: { kubeconfig: kubeconfigPath },
    mode: o.mode,
    hostnameOverride: o.nodeName,
    clusterCIDR: o.clusterCidr,
    // Loopback of the node namespace: nothing outside it can reach these.
    healthzBindAddress: "127.0.0.1:10256",
    metricsBindAddress: "127.0.0.1:10249",
    // 0 leaves the kernel's conntrack settings alone: they are global, not per namespace, and not ours.
    conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: "0s", tcpCloseWaitTimeout: "0s" },
    oomScoreAdj: 0,
    // Quick reaction to the harness's EndpointSlice updates (the defaults batch for 1 s).
    iptables: { minSyncPeriod: "0s", syncPeriod: "30s" },
    nftables: { minSyncPeriod: "0s", syncPeriod: "30s" },
  };
}

export async function startKubeProxy(o: KubeProxyOptions): Promise<ChildHandle> {
  const support = proxyModeSupport(o.mode);
  if (!support.supported) throw new Error(`kube-proxy mode ${o.mode}: skipped: ${support.reason}`);
  const kubeconfigPath = join(o.dir, `kube-proxy-${o.mode}.kubeconfig`);
  writeFileSync(kubeconfigPath, tokenKubeconfig(o.server, o.caPem, o.token), { mode: 0o600 });
  const configPath = join(o.dir, `kube-proxy-${o.mode}.yaml`);
  writeFileSync(configPath, stringify(kubeProxyConfig(o, kubeconfigPath)));
  return startChild("ip", ["netns", "exec", o.nodeNs, o.binary, `--config=${configPath}`, "--v=2"], {
    name: `kube-proxy(${o.mode})`,
    logFile: join(o.dir, `kube-proxy-${o.mode}.log`),
  });
}

/** The node namespace's rules as text (nat table for iptables, kube-proxy's tables for nftables). */
export async function dumpProxyRules(nodeNs: string, mode: ProxyMode): Promise<string> {
  if (mode === "nftables") return nsExec(nodeNs, "nft", ["list", "ruleset"]);
  return nsExec(nodeNs, "iptables-save", []);
}

/** Waits until kube-proxy's rules mention every one of `needles` and none of `absent`. */
export async function waitForProxyRules(
  nodeNs: string,
  mode: ProxyMode,
  needles: string[],
  proxy: ChildHandle,
  timeoutMs = 30_000,
  absent: string[] = [],
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let missing = needles;
  let present: string[] = [];
  while (Date.now() < deadline && !proxy.exit) {
    const rules = await dumpProxyRules(nodeNs, mode);
    missing = needles.filter((n) => !rules.includes(n));
    present = absent.filter((n) => rules.includes(n));
    if (missing.length === 0 && present.length === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `kube-proxy(${mode}): expected rules mentioning ${JSON.stringify(needles)} and not ${JSON.stringify(absent)} within ${timeoutMs}ms, got ${proxy.exit ? "an exit" : `missing ${JSON.stringify(missing)}, still present ${JSON.stringify(present)}`}; last lines:\n${proxy.logs(15)}`,
  );
}
