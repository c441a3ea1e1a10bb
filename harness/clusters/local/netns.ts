// Network namespaces for the local cluster, through iproute2. Every namespace is registered with the
// reaper before anything runs in it, so a crashed harness leaves none behind; deleting a namespace also
// removes its links, addresses, routes and netfilter rules (kube-proxy's included).
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { promisify } from "node:util";
import { getReaper } from "../../util/reaper.ts";

const run = promisify(execFile);

/** Runs a command; on failure the error names the command line and its stderr. */
export async function sh(command: string, args: string[], timeoutMs = 20_000): Promise<string> {
  try {
    const { stdout } = await run(command, args, { timeout: timeoutMs, maxBuffer: 64 << 20 });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${command} ${args.join(" ")}: expected success, got ${(e.stderr || e.message).trim()}`);
  }
}

/** Runs a command inside a namespace (`ip netns exec`, which also gives it the namespace's /sys). */
export function nsExec(ns: string, command: string, args: string[], timeoutMs?: number): Promise<string> {
  return sh("ip", ["netns", "exec", ns, command, ...args], timeoutMs);
}

export async function addNetns(name: string): Promise<void> {
  getReaper().register({ kind: "netns", value: name });
  await sh("ip", ["netns", "add", name]);
  await sh("ip", ["-n", name, "link", "set", "lo", "up"]);
}

export async function deleteNetns(name: string): Promise<void> {
  try {
    await sh("ip", ["netns", "delete", name]);
  } catch (error) {
    if (!/No such file|Cannot find|does not exist/i.test(String(error))) throw error;
  }
  getReaper().unregister({ kind: "netns", value: name });
}

/** Names of the namespaces that exist now and start with prefix (read from /run/netns like `ip netns`). */
export function listNetns(prefix = ""): string[] {
  try {
    return readdirSync("/run/netns").filter((n) => n.startsWith(prefix));
  } catch {
    return [];
  }
}

export async function sysctl(ns: string, key: string, value: string): Promise<void> {
  await nsExec(ns, "sysctl", ["-q", "-w", `${key}=${value}`]);
}

/**
 * A veth pair created directly inside two namespaces (never in the root namespace), e.g. a pod's eth0
 * and its peer on the node.
 */
export async function addVethPair(nsA: string, nameA: string, nsB: string, nameB: string): Promise<void> {
  await sh("ip", ["link", "add", nameA, "netns", nsA, "type", "veth", "peer", "name", nameB, "netns", nsB]);
}

/** Tools the local provider needs, with the apt package that has each. */
export const REQUIRED_TOOLS: Record<string, string> = {
  ip: "iproute2",
  iptables: "iptables",
  nft: "nftables",
  conntrack: "conntrack",
  openssl: "openssl",
  sysctl: "procps",
};

/** Missing tools as "tool (apt package)" strings; empty when all are there. */
export async function missingTools(): Promise<string[]> {
  const missing: string[] = [];
  for (const [tool, pkg] of Object.entries(REQUIRED_TOOLS)) {
    try {
      await run("sh", ["-c", `command -v ${tool}`]);
    } catch {
      missing.push(`${tool} (apt package ${pkg})`);
    }
  }
  return missing;
}
