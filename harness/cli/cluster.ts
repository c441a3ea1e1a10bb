// `xdsc cluster up|down|status`: a Kubernetes cluster for humans (harness/clusters/README.md).
// Everything the cluster starts dies with the process that started it (reaper, DESIGN.md), so `up` holds
// the cluster in the foreground until Ctrl-C; `up --detach` runs that same foreground holder as a detached
// process with its output in a log file. The holder writes a state file; `status` reads it, `down` sends
// the holder SIGTERM (its own teardown runs) and then removes whatever a killed holder left behind.
import { closeSync, existsSync, openSync, readFileSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { spawn } from "node:child_process";
import { credentialsFromKubeconfig, KubeClient } from "../clusters/kube-client.ts";
import type { ProviderName, ProxyMode, StartedCluster } from "../clusters/types.ts";
import { BUILD_TIMEOUT_MS } from "../clusters/local/binaries.ts";
import { isProcessAlive } from "../util/child.ts";
import { registerCleanup } from "../util/reaper.ts";
import { projectPath } from "../util/paths.ts";
import { EXIT, UsageError } from "./errors.ts";
import {
  DEFAULT_STATE_FILE,
  describeState,
  isSameProcessAlive,
  logFileFor,
  processId,
  readState,
  removeStateOf,
  writeState,
  type ClusterState,
} from "./cluster-state.ts";

export const CLUSTER_PROVIDERS = ["local", "kind"] as const satisfies readonly ProviderName[];
export const CLUSTER_PROXY_MODES = ["iptables", "nftables", "ipvs"] as const satisfies readonly ProxyMode[];

export interface UpOptions {
  provider: (typeof CLUSTER_PROVIDERS)[number];
  proxyMode: ProxyMode;
  keepStateDir?: string;
  stateFile: string;
  detach: boolean;
  /** Set on the holder that `--detach` spawns: its output goes to the state file's log. */
  detachedChild?: boolean;
}

/** --state-file relative to the working directory; the project's .cache/cluster/state.json by default. */
export function stateFilePath(flag: string | undefined): string {
  return flag === undefined ? DEFAULT_STATE_FILE : resolve(flag);
}

const out = (lines: string[]) => process.stdout.write(`${lines.join("\n")}\n`);

async function waitUntil(done: () => boolean, timeoutMs: number, stepMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return true;
}

function refuseIfRunning(stateFile: string): void {
  const state = readState(stateFile);
  if (state && isSameProcessAlive(state.holder))
    throw new UsageError(
      `cluster up: expected no running cluster, got ${state.provider} cluster ${state.name} (pid ${state.holder.pid}, state ${stateFile}); run \`xdsc cluster down\` first`,
    );
}

export async function clusterUp(o: UpOptions): Promise<number> {
  if (o.keepStateDir !== undefined && o.provider !== "local")
    throw new UsageError(`--keep-state-dir: expected --provider local, got ${o.provider}`);
  refuseIfRunning(o.stateFile);
  return o.detach ? detach(o) : hold(o);
}

async function startCluster(
  o: UpOptions,
): Promise<{ cluster: StartedCluster; extra: Partial<ClusterState> }> {
  if (o.provider === "kind") {
    const { KindCluster } = await import("../clusters/kind.ts");
    return { cluster: await new KindCluster().withProxyMode(o.proxyMode).start(), extra: {} };
  }
  const { proxyModeSupport } = await import("../clusters/local/kube-proxy.ts");
  const support = proxyModeSupport(o.proxyMode);
  if (!support.supported)
    throw new Error(`--proxy-mode ${o.proxyMode}: expected a mode this machine runs, got ${support.reason}`);
  const { LocalCluster } = await import("../clusters/local/local-cluster.ts");
  const builder = new LocalCluster().withProxyMode(o.proxyMode);
  if (o.keepStateDir !== undefined) builder.withStateDir(resolve(o.keepStateDir));
  const cluster = await builder.start();
  return {
    cluster,
    extra: {
      kubeVersion: cluster.binaries.kubeVersion,
      netnsPrefix: cluster.netnsPrefix,
      stateDir: cluster.dir,
      keepStateDir: o.keepStateDir !== undefined,
      processes: cluster.processIds.map(processId),
    },
  };
}

/** Starts the cluster and holds it until a signal (or until one of its processes dies: exit 1). */
async function hold(o: UpOptions): Promise<number> {
  const { cluster, extra } = await startCluster(o);
  const holder = processId(process.pid);
  const state: ClusterState = {
    holder,
    provider: cluster.provider,
    name: cluster.name,
    proxyMode: cluster.proxyMode,
    kubeconfigPath: cluster.kubeconfigPath,
    server: cluster.client.credentials.server,
    processes: [],
    ...extra,
    ...(o.detachedChild ? { logFile: logFileFor(o.stateFile) } : {}),
    startedAt: new Date().toISOString(),
  };
  // Sync, on every way out (signal handlers end in process.exit): a stale file would mislead `status`.
  process.on("exit", () => removeStateOf(o.stateFile, holder));
  out([
    `xdsc cluster: up: ${describeState(state)[0]}`,
    ...describeState(state).slice(1),
    o.detachedChild
      ? "Stop it with: xdsc cluster down"
      : "Ctrl-C (or `xdsc cluster down` elsewhere) stops it.",
  ]);
  // Last: `up --detach` returns as soon as it sees this file.
  writeState(o.stateFile, state);
  // The watch also keeps the event loop alive while nothing else happens.
  return new Promise<number>(() => {
    const timer = setInterval(() => {
      const dead = state.processes.filter((p) => !isSameProcessAlive(p));
      if (dead.length === 0) return;
      clearInterval(timer);
      process.stderr.write(
        `xdsc cluster: expected every cluster process alive, got pid ${dead.map((p) => p.pid).join(", ")} gone; stopping\n`,
      );
      void cluster.stop().finally(() => process.exit(EXIT.fail));
    }, 1000);
    // On a signal the teardown stops these processes on purpose.
    registerCleanup(() => clearInterval(timer));
  });
}

/** Runs the foreground holder detached, returns once its state file says the cluster is up. */
async function detach(o: UpOptions): Promise<number> {
  const logFile = logFileFor(o.stateFile);
  const fd = openSync(logFile, "w");
  const args = ["cluster", "up", "--provider", o.provider, "--proxy-mode", o.proxyMode];
  args.push("--state-file", o.stateFile, "--detached-child");
  if (o.keepStateDir !== undefined) args.push("--keep-state-dir", resolve(o.keepStateDir));
  const child = spawn(process.execPath, [projectPath("bin", "xdsc.js"), ...args], {
    detached: true,
    stdio: ["ignore", fd, fd],
    cwd: process.cwd(),
  });
  closeSync(fd);
  let exit: string | undefined;
  child.on("exit", (code, signal) => (exit = signal ?? `exit code ${code}`));
  child.unref();
  process.stderr.write(`xdsc cluster: starting ${o.provider} cluster (pid ${child.pid}, log ${logFile})\n`);
  // A first run may build kube-apiserver and kube-proxy (minutes); the log shows progress.
  const timeoutMs = BUILD_TIMEOUT_MS + 180_000;
  const up = () => exit !== undefined || readState(o.stateFile)?.holder.pid === child.pid;
  const ready = await waitUntil(up, timeoutMs, 200);
  const tail = () => readFileSync(logFile, "utf8").trim().split("\n").slice(-15).join("\n");
  if (exit !== undefined || !ready) {
    if (!ready && child.pid) process.kill(child.pid, "SIGTERM");
    throw new Error(
      `cluster up --detach: expected the cluster up within ${timeoutMs}ms, got ${exit ?? "no state file yet"}; last lines of ${logFile}:\n${tail()}`,
    );
  }
  const state = readState(o.stateFile)!;
  out([`xdsc cluster: up: ${describeState(state)[0]}`, ...describeState(state).slice(1)]);
  out(["Stop it with: xdsc cluster down"]);
  return EXIT.pass;
}

export async function clusterStatus(stateFile: string): Promise<number> {
  const state = readState(stateFile);
  if (!state) {
    out([`xdsc cluster: no cluster running (no state file at ${stateFile})`]);
    return EXIT.fail;
  }
  const lines = describeState(state);
  if (!isSameProcessAlive(state.holder)) {
    out([
      `xdsc cluster: not running: holder pid ${state.holder.pid} is gone (stale ${stateFile})`,
      ...lines.slice(1),
    ]);
    out(["  run `xdsc cluster down` to remove what it left"]);
    return EXIT.fail;
  }
  let api = "ready";
  try {
    await new KubeClient(credentialsFromKubeconfig(state.kubeconfigPath)).raw("/readyz", 5000);
  } catch (error) {
    api = `not ready: ${(error as Error).message}`;
  }
  const alive = state.processes.filter(isSameProcessAlive).length;
  out([
    `xdsc cluster: running: ${lines[0]}`,
    ...lines.slice(1),
    `  API /readyz: ${api}`,
    ...(state.processes.length > 0 ? [`  processes:  ${alive}/${state.processes.length} alive`] : []),
    ...(state.netnsPrefix
      ? [`  netns:      ${(await netnsOf(state.netnsPrefix)).join(", ") || "none"}`]
      : []),
  ]);
  return api === "ready" && alive === state.processes.length ? EXIT.pass : EXIT.fail;
}

async function netnsOf(prefix: string): Promise<string[]> {
  const { listNetns } = await import("../clusters/local/netns.ts");
  return listNetns(prefix);
}

export async function clusterDown(stateFile: string, holderGraceMs = 30_000): Promise<number> {
  const state = readState(stateFile);
  if (!state) {
    out([`xdsc cluster: nothing to stop (no state file at ${stateFile})`]);
    return EXIT.pass;
  }
  const notes: string[] = [];
  if (isSameProcessAlive(state.holder)) {
    process.kill(state.holder.pid, "SIGTERM");
    if (!(await waitUntil(() => !isSameProcessAlive(state.holder), holderGraceMs))) {
      notes.push(`holder pid ${state.holder.pid} ignored SIGTERM for ${holderGraceMs}ms: SIGKILL`);
      process.kill(state.holder.pid, "SIGKILL");
      await waitUntil(() => !isProcessAlive(state.holder.pid), 5000);
    }
  } else notes.push(`holder pid ${state.holder.pid} was already gone`);
  // A holder killed without its teardown leaves the rest to its reaper (~1 s); give it that, then do it.
  const leftNetns = async () => (state.netnsPrefix ? await netnsOf(state.netnsPrefix) : []);
  const leftPids = () => state.processes.filter(isSameProcessAlive);
  await waitUntil(() => leftPids().length === 0, 5000);
  for (const p of leftPids()) {
    notes.push(`killed leftover pid ${p.pid}`);
    process.kill(p.pid, "SIGKILL");
  }
  if (state.netnsPrefix) {
    const { deleteNetns } = await import("../clusters/local/netns.ts");
    for (const ns of await leftNetns()) {
      notes.push(`deleted leftover netns ${ns}`);
      await deleteNetns(ns);
    }
  }
  if (state.stateDir && !state.keepStateDir && existsSync(state.stateDir)) {
    notes.push(`removed leftover dir ${state.stateDir}`);
    rmSync(state.stateDir, { recursive: true, force: true });
  }
  rmSync(stateFile, { force: true });
  const remaining = [...leftPids().map((p) => `pid ${p.pid}`), ...(await leftNetns())];
  out([
    `xdsc cluster: stopped ${state.provider} cluster ${state.name}`,
    ...notes.map((n) => `  ${n}`),
    ...(state.keepStateDir && state.stateDir ? [`  state kept in ${state.stateDir}`] : []),
  ]);
  if (remaining.length > 0) {
    process.stderr.write(`xdsc cluster down: expected nothing left, got ${remaining.join(", ")}\n`);
    return EXIT.fail;
  }
  return EXIT.pass;
}
