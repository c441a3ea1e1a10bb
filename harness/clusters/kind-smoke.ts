// Nightly smoke of the kind provider (kind cannot run on the development machine, DESIGN.md §8):
//   npx tsx harness/clusters/kind-smoke.ts --proxy-mode iptables [--logs-dir DIR] [--timeout-ms MS]
// creates a kind cluster through KindCluster, waits for every node Ready, checks that kube-proxy runs in
// the requested mode (its ConfigMap and its own /proxyMode answer on the node), exports the cluster's logs
// into DIR on any failure, and always deletes the cluster. Exit 0 pass, 1 fail, 2 usage.
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { KindCluster, execaRunner, kindNodeNames, type CommandRunner } from "./kind.ts";
import type { KubeClient } from "./kube-client.ts";
import type { KubeObject, ProxyMode } from "./types.ts";

const MODES: readonly ProxyMode[] = ["iptables", "nftables", "ipvs"];

export interface SmokeOptions {
  proxyMode: ProxyMode;
  logsDir: string;
  timeoutMs: number;
}

/** What the smoke needs of a started kind cluster (StartedKindCluster; a fake in unit tests). */
export interface SmokeCluster {
  readonly name: string;
  readonly client: Pick<KubeClient, "list" | "get">;
  exportLogs(dir: string): Promise<void>;
  stop(): Promise<void>;
}

export class SmokeUsageError extends Error {}

export function parseSmokeArgs(argv: string[]): SmokeOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        "proxy-mode": { type: "string" },
        "logs-dir": { type: "string", default: join("reports", "kind-smoke") },
        "timeout-ms": { type: "string", default: "300000" },
      },
      strict: true,
    }));
  } catch (error) {
    throw new SmokeUsageError((error as Error).message);
  }
  const mode = values["proxy-mode"];
  if (!MODES.includes(mode as ProxyMode))
    throw new SmokeUsageError(
      `--proxy-mode: expected one of ${MODES.join(", ")}, got ${JSON.stringify(mode)}`,
    );
  const timeoutMs = Number(values["timeout-ms"]);
  if (!(timeoutMs > 0))
    throw new SmokeUsageError(`--timeout-ms: expected a positive number, got "${values["timeout-ms"]}"`);
  return { proxyMode: mode as ProxyMode, logsDir: values["logs-dir"]!, timeoutMs };
}

type Node = KubeObject & { status?: { conditions?: { type: string; status: string }[] } };

export function nodeReady(node: Node): boolean {
  return node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

/** kube-proxy's configured mode from kube-system/kube-proxy (kubeadm's ConfigMap; "" means the default). */
export function configuredMode(configMap: { data?: Record<string, string> }): string | undefined {
  const conf = configMap.data?.["config.conf"];
  if (conf === undefined) return undefined;
  return String((parse(conf) as { mode?: string } | null)?.mode ?? "");
}

/** kube-proxy serves its running mode on its metrics port; it runs in the node's network namespace. */
export const proxyModeArgs = (node: string) => [
  "exec",
  node,
  "curl",
  "-fsS",
  "--max-time",
  "5",
  "http://127.0.0.1:10249/proxyMode",
];

async function poll<T>(
  what: string,
  timeoutMs: number,
  attempt: () => Promise<{ done: boolean; value: T; seen: string }>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let seen = "nothing yet";
  for (;;) {
    try {
      const r = await attempt();
      if (r.done) return r.value;
      seen = r.seen;
    } catch (error) {
      seen = (error as Error).message.slice(0, 300);
    }
    if (Date.now() >= deadline) throw new Error(`${what}: not within ${timeoutMs}ms; last seen: ${seen}`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/** Checks a started cluster; on failure exports its logs; always stops it. Resolves with progress lines. */
export async function smokeCheck(
  cluster: SmokeCluster,
  o: SmokeOptions & { nodes: string[]; exec: CommandRunner },
): Promise<string[]> {
  const log: string[] = [];
  try {
    await poll(`nodes ${o.nodes.join(", ")} Ready`, o.timeoutMs, async () => {
      const nodes = await cluster.client.list<Node>("v1", "Node");
      const ready = nodes.filter(nodeReady).map((n) => n.metadata.name);
      return {
        done: o.nodes.every((n) => ready.includes(n)),
        value: ready,
        seen: `ready [${ready.join(", ")}] of [${nodes.map((n) => n.metadata.name).join(", ")}]`,
      };
    });
    log.push(`nodes Ready: ${o.nodes.join(", ")}`);
    const cm = await cluster.client.get<{ data?: Record<string, string> }>(
      "v1",
      "ConfigMap",
      "kube-proxy",
      "kube-system",
    );
    const configured = configuredMode(cm);
    if (configured !== o.proxyMode)
      throw new Error(
        `kube-system/kube-proxy config.conf mode: expected ${o.proxyMode}, got ${JSON.stringify(configured)}`,
      );
    for (const node of o.nodes) {
      const running = await poll(`kube-proxy /proxyMode on ${node}`, o.timeoutMs, async () => {
        const answer = (await o.exec("docker", proxyModeArgs(node), 15_000)).trim();
        return { done: answer !== "", value: answer, seen: JSON.stringify(answer) };
      });
      if (running !== o.proxyMode)
        throw new Error(
          `kube-proxy on ${node}: expected mode ${o.proxyMode}, got ${JSON.stringify(running)}`,
        );
      log.push(`kube-proxy on ${node}: ${running}`);
    }
    return log;
  } catch (error) {
    const dir = join(o.logsDir, cluster.name);
    const exported = await cluster.exportLogs(dir).then(
      () => `logs in ${dir}`,
      (e: Error) => `kind export logs failed: ${e.message.slice(0, 300)}`,
    );
    throw new Error(
      `kind smoke (${o.proxyMode}, cluster ${cluster.name}): ${(error as Error).message} (${exported})`,
    );
  } finally {
    await cluster.stop();
  }
}

export async function kindSmoke(o: SmokeOptions, exec: CommandRunner = execaRunner): Promise<string[]> {
  const workers = 1;
  const kind = new KindCluster().withProxyMode(o.proxyMode).withWorkers(workers).withLogsDir(o.logsDir);
  const cluster = await kind.start();
  return smokeCheck(cluster, { ...o, nodes: kindNodeNames(cluster.name, workers), exec });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const options = parseSmokeArgs(process.argv.slice(2));
    for (const line of await kindSmoke(options)) process.stdout.write(`kind smoke: ${line}\n`);
    process.stdout.write(`kind smoke (${options.proxyMode}): pass\n`);
  } catch (error) {
    process.stderr.write(`kind-smoke: ${(error as Error).message}\n`);
    process.exitCode = error instanceof SmokeUsageError ? 2 : 1;
  }
}
