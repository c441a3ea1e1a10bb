import { GenericContainer } from "testcontainers";
import { MANAGED_LABEL } from "./docker-engine.ts";
import { HostHttpWaitStrategy } from "./host-http-wait.ts";

export const ENVOY_CONTAINER_BOOTSTRAP = "/etc/envoy/envoy.yaml";

export interface EnvoyContainerOptions {
  /** A tag from `ensureEnvoyImage()`; it is never pulled. */
  image: string;
  bootstrapYaml: string;
  /** The admin port the bootstrap binds on 127.0.0.1; readiness is its `/ready`. */
  adminPort: number;
  /** Extra container labels, e.g. a run id for leak checks; MANAGED_LABEL is always set. */
  labels?: Record<string, string>;
  extraArgs?: string[];
  startupTimeoutMs?: number;
  /** Container name (default: Docker's); a name known before start lets the reaper remove a half-started one. */
  name?: string;
  /** Admin path that must answer 200 before start() resolves (default "/ready", i.e. LIVE). */
  readyPath?: string;
  /** Host paths mounted at the same path inside, e.g. the watched directory of file-mode xDS. */
  bindMounts?: { source: string; target: string; mode?: "rw" | "ro" }[];
}

export interface EnvoyContainerSpec {
  container: GenericContainer;
  /** The last lines Envoy wrote (stdout and stderr), for error messages. */
  logTail: () => string;
  /** Recent output lines (stdout and stderr interleaved as received), up to LOG_RING_LINES. */
  logs: (lastLines?: number) => string;
  /** Resolves when the container's log stream ends: the container exited or was removed. */
  logsEnded: Promise<void>;
}

const LOG_RING_LINES = 2000;

/**
 * A GenericContainer for Envoy in the host's network namespace (no bridge exists on these machines and
 * nothing may be published off loopback): the bootstrap's ports are the host's ports.
 */
export function envoyContainer(options: EnvoyContainerOptions): EnvoyContainerSpec {
  const lines: string[] = [];
  let endLogs = () => {};
  const logsEnded = new Promise<void>((resolve) => (endLogs = resolve));
  const container = new GenericContainer(options.image)
    .withNetworkMode("host")
    .withLabels({ ...options.labels, [MANAGED_LABEL]: "true" })
    .withCopyContentToContainer([{ content: options.bootstrapYaml, target: ENVOY_CONTAINER_BOOTSTRAP }])
    .withCommand(["envoy", "-c", ENVOY_CONTAINER_BOOTSTRAP, ...(options.extraArgs ?? [])])
    .withLogConsumer((stream) => {
      let partial = "";
      stream.on("data", (chunk: Buffer | string) => {
        const split = (partial + String(chunk)).split("\n");
        partial = split.pop()!;
        lines.push(...split.filter(Boolean));
        lines.splice(0, Math.max(0, lines.length - LOG_RING_LINES));
      });
      stream.on("end", () => {
        if (partial !== "") lines.push(partial);
        partial = "";
        endLogs();
      });
      stream.on("close", endLogs);
      stream.on("error", endLogs);
    });
  if (options.name) container.withName(options.name);
  if (options.bindMounts) container.withBindMounts(options.bindMounts);
  const logTail = () => (lines.length === 0 ? "no output" : lines.slice(-5).join(" | "));
  const logs = (lastLines = LOG_RING_LINES) => lines.slice(-lastLines).join("\n");
  container.withWaitStrategy(
    new HostHttpWaitStrategy(options.adminPort, options.readyPath ?? "/ready", logTail).withStartupTimeout(
      options.startupTimeoutMs ?? 30_000,
    ),
  );
  return { container, logTail, logs, logsEnded };
}
