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
}

export interface EnvoyContainerSpec {
  container: GenericContainer;
  /** The last lines Envoy wrote (stdout and stderr), for error messages. */
  logTail: () => string;
}

const LOG_TAIL_LINES = 20;

/**
 * A GenericContainer for Envoy in the host's network namespace (no bridge exists on these machines and
 * nothing may be published off loopback): the bootstrap's ports are the host's ports.
 */
export function envoyContainer(options: EnvoyContainerOptions): EnvoyContainerSpec {
  const lines: string[] = [];
  const container = new GenericContainer(options.image)
    .withNetworkMode("host")
    .withLabels({ ...options.labels, [MANAGED_LABEL]: "true" })
    .withCopyContentToContainer([{ content: options.bootstrapYaml, target: ENVOY_CONTAINER_BOOTSTRAP }])
    .withCommand(["envoy", "-c", ENVOY_CONTAINER_BOOTSTRAP, ...(options.extraArgs ?? [])])
    .withLogConsumer((stream) => {
      stream.on("data", (chunk: Buffer | string) => {
        lines.push(...String(chunk).split("\n").filter(Boolean));
        lines.splice(0, Math.max(0, lines.length - LOG_TAIL_LINES));
      });
    });
  const logTail = () => (lines.length === 0 ? "no output" : lines.slice(-5).join(" | "));
  container.withWaitStrategy(
    new HostHttpWaitStrategy(options.adminPort, "/ready", logTail).withStartupTimeout(
      options.startupTimeoutMs ?? 30_000,
    ),
  );
  return { container, logTail };
}
