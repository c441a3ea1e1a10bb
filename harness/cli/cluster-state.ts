// The state file of `xdsc cluster up`: which process holds the cluster and what it started, so that
// `status` can report it and `down` can stop it (and clean what a killed holder left). A pid is identified
// by pid + start time (/proc/<pid>/stat field 22), so a recycled pid is never signalled.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { ProviderName, ProxyMode } from "../clusters/types.ts";
import { isProcessAlive } from "../util/child.ts";
import { projectPath } from "../util/paths.ts";

export const DEFAULT_STATE_FILE = projectPath(".cache", "cluster", "state.json");

export interface ProcessId {
  pid: number;
  /** Clock ticks since boot when the process started; undefined when /proc cannot tell. */
  startTime?: number;
}

export interface ClusterState {
  /** The `xdsc cluster up` process that holds the cluster; SIGTERM to it stops everything. */
  holder: ProcessId;
  provider: ProviderName;
  name: string;
  proxyMode?: ProxyMode;
  kubeVersion?: string;
  kubeconfigPath: string;
  server: string;
  /** Local provider: every netns it creates starts with this. */
  netnsPrefix?: string;
  /** Local provider: its state dir, and whether it outlives the cluster (--keep-state-dir). */
  stateDir?: string;
  keepStateDir?: boolean;
  /** Processes the cluster started (etcd, kube-apiserver, kube-proxy, bridges). */
  processes: ProcessId[];
  /** The holder's stdout/stderr when detached. */
  logFile?: string;
  startedAt: string;
}

export function processId(pid: number): ProcessId {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { pid, startTime: Number(fields[19]) };
  } catch {
    return { pid };
  }
}

/** Alive and still the same process that was recorded (not a recycled pid). */
export function isSameProcessAlive(id: ProcessId): boolean {
  if (!isProcessAlive(id.pid)) return false;
  return id.startTime === undefined || processId(id.pid).startTime === id.startTime;
}

export function readState(file: string): ClusterState | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as ClusterState;
  } catch (error) {
    throw new Error(`cluster state ${file}: expected JSON, got ${(error as Error).message}`);
  }
}

/** Atomic (rename), so a reader never sees half a file. */
export function writeState(file: string, state: ClusterState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, file);
}

/** Removes the file only if it still describes holder (a newer `up` may have replaced it). */
export function removeStateOf(file: string, holder: ProcessId): void {
  try {
    const state = readState(file);
    if (state && state.holder.pid === holder.pid) rmSync(file, { force: true });
  } catch {
    // An unreadable file is not ours to judge here; `down` reports it.
  }
}

export function logFileFor(stateFile: string): string {
  return stateFile.replace(/\.json$/, "") + ".log";
}

export function describeState(s: ClusterState): string[] {
  const kubectl = `KUBECONFIG=${s.kubeconfigPath} kubectl get nodes`;
  return [
    `${s.provider} cluster ${s.name}${s.kubeVersion ? ` (Kubernetes ${s.kubeVersion})` : ""}, kube-proxy mode ${s.proxyMode ?? "unknown"}, held by pid ${s.holder.pid} since ${s.startedAt}`,
    `  API server: ${s.server}`,
    `  kubeconfig: ${s.kubeconfigPath}`,
    `  try:        ${kubectl}`,
    ...(s.netnsPrefix
      ? [
          `  node netns: ${s.netnsPrefix}node (its rules: ip netns exec ${s.netnsPrefix}node ${s.proxyMode === "nftables" ? "nft list ruleset" : "iptables-save"})`,
        ]
      : []),
    ...(s.stateDir ? [`  state dir:  ${s.stateDir}${s.keepStateDir ? " (kept after down)" : ""}`] : []),
    ...(s.logFile ? [`  log:        ${s.logFile}`] : []),
  ];
}
