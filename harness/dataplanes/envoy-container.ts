// Envoy in a container (DESIGN.md §6): the locally built image (harness/containers), host networking, and
// the same bootstrap as the process adapter with an admin port allocated up front (the container shares the
// host's loopback, so Envoy's listeners bind exactly where the process adapter's do and a scenario runs
// unchanged). The container is registered with the reaper by name before it exists, so a harness killed
// at any point, even mid-start, leaves none behind.
import { EnvoyBuilder } from "./envoy-builder.ts";
import { randomBytes } from "node:crypto";
import { execa } from "execa";
import { stringify } from "yaml";
import type { StartedTestContainer } from "testcontainers";
import { ensureDockerEngine } from "../containers/docker-engine.ts";
import { envoyContainer } from "../containers/envoy-container.ts";
import { ensureEnvoyImage } from "../containers/envoy-image.ts";
import { SESSION_LABEL, sessionId } from "../containers/session.ts";
import { freePort } from "../util/free-port.ts";
import { getReaper, registerCleanup, type ReaperEntry } from "../util/reaper.ts";
import { EnvoyAdmin } from "./envoy-admin.ts";
import { envoyBootstrap } from "./envoy-bootstrap.ts";
import { seedFileLayout } from "./file-layout-seed.ts";
import type { NodeIdentity, StartedDataPlane, WaitOptions } from "./types.ts";

export class EnvoyContainer extends EnvoyBuilder {
  private image: string | undefined;
  constructor() {
    super(30_000);
  }

  /** An image tag to run (default: ensureEnvoyImage(), built from the local Envoy binary). Never pulled. */
  withImage(tag: string): this {
    this.image = tag;
    return this;
  }

  async start(): Promise<StartedEnvoyContainer> {
    if (!this.xds) throw new Error(`EnvoyContainer: expected withXds(...) before start(), got none`);
    const xds = this.xds;
    await ensureDockerEngine();
    const [image, adminPort] = await Promise.all([
      this.image ?? ensureEnvoyImage().then((i) => i.tag),
      freePort(),
    ]);
    const bootstrap = this.customize(envoyBootstrap({ node: this.node, xds, adminPort }));
    if (xds.mode === "file") await seedFileLayout(xds.fileDir!);
    const name = `xdsc-envoy-${randomBytes(6).toString("hex")}`;
    const entry: ReaperEntry = { kind: "container", value: name };
    getReaper().register(entry);
    // Ctrl-C while testcontainers is still creating or waiting: remove by name (a no-op if not created yet).
    const unregisterStarting = registerCleanup(() => removeContainer(name));
    const spec = envoyContainer({
      image,
      name,
      bootstrapYaml: stringify(bootstrap),
      adminPort,
      // /ready would wait for the initial xDS config; start() resolves once the admin interface answers.
      readyPath: "/server_info",
      labels: { [SESSION_LABEL]: sessionId() },
      startupTimeoutMs: this.startTimeoutMs,
      bindMounts: xds.mode === "file" ? [{ source: xds.fileDir!, target: xds.fileDir! }] : undefined,
      extraArgs: [
        ...["--log-level", this.logLevel, "--concurrency", String(this.concurrency)],
        // The host network namespace is shared, and so is the abstract socket hot restart would bind.
        ...["--disable-hot-restart", "--use-dynamic-base-id"],
        ...this.extraArgs,
      ],
    });
    let started: StartedTestContainer;
    try {
      started = await spec.container.start();
    } catch (error) {
      await removeContainer(name);
      getReaper().unregister(entry);
      throw new Error(`envoy container ${name}: ${(error as Error).message}`, { cause: error });
    } finally {
      unregisterStarting();
    }
    const admin = new EnvoyAdmin(`http://127.0.0.1:${adminPort}`);
    const handle = new StartedEnvoyContainer({
      node: this.node,
      version: "",
      container: started,
      name,
      image,
      admin,
      logs: spec.logs,
      exited: exitSignal(name, spec.logsEnded, spec.logs),
    });
    try {
      handle.version = parseVersion((await admin.serverInfo()).version);
    } catch (error) {
      await handle.stop({ graceMs: 1000 });
      throw error;
    }
    return handle;
  }
}

async function removeContainer(name: string): Promise<void> {
  await execa("docker", ["rm", "--force", "--volumes", name], { reject: false });
}

/** server_info's "<sha>/1.40.0/Clean/RELEASE/BoringSSL" → "1.40.0". */
function parseVersion(text: string): string {
  return /^[0-9a-f]+\/(\d+\.\d+\.\d+[^/]*)\//.exec(text)?.[1] ?? text;
}

/** Aborted, with the container's state and last log lines as reason, once its log stream ends. */
function exitSignal(name: string, logsEnded: Promise<void>, logs: (n?: number) => string): AbortSignal {
  const controller = new AbortController();
  void logsEnded.then(async () => {
    const format = "{{.State.Status}} with exit code {{.State.ExitCode}}";
    const inspect = await execa("docker", ["inspect", "--format", format, name], { reject: false });
    const state = inspect.exitCode === 0 ? inspect.stdout.trim() : "removed";
    controller.abort(new Error(`envoy container ${name} ${state}; last log lines:\n${logs(30)}`));
  });
  return controller.signal;
}

interface StartedEnvoyContainerParts {
  node: NodeIdentity;
  version: string;
  container: StartedTestContainer;
  name: string;
  image: string;
  admin: EnvoyAdmin;
  logs: (lastLines?: number) => string;
  exited: AbortSignal;
}

export class StartedEnvoyContainer implements StartedDataPlane {
  readonly name = "envoy-container";
  /** From the running Envoy's /server_info, e.g. "1.40.0". */
  version: string;
  readonly node: NodeIdentity;
  readonly containerId: string;
  readonly containerName: string;
  readonly image: string;
  /** "127.0.0.1:port" of the admin interface (on the host's loopback: host networking). */
  readonly adminAddress: string;
  readonly admin: EnvoyAdmin;
  private readonly parts: StartedEnvoyContainerParts;
  private readonly unregisterCleanup: () => void;
  private stopping: Promise<void> | undefined;

  constructor(parts: StartedEnvoyContainerParts) {
    this.parts = parts;
    ({ node: this.node, version: this.version, image: this.image, admin: this.admin } = parts);
    this.containerId = parts.container.getId();
    this.containerName = parts.name;
    this.adminAddress = new URL(parts.admin.baseUrl).host;
    this.unregisterCleanup = registerCleanup(() => this.stop());
  }

  getAdmin(): EnvoyAdmin {
    return this.admin;
  }

  /** Waits for /ready LIVE: the initial CDS and LDS (and what they reference) arrived. */
  async waitForReady(options: WaitOptions = {}): Promise<void> {
    await this.admin.waitForReady(this.untilExit(options));
  }

  listenerAddress(name: string, options: WaitOptions = {}): Promise<string> {
    return this.admin.waitForListener(name, this.untilExit(options));
  }

  logs(lastLines?: number): string {
    return this.parts.logs(lastLines);
  }

  /** docker stop (SIGTERM, SIGKILL after graceMs, default 5000), then removes the container. Idempotent. */
  stop(options: { graceMs?: number } = {}): Promise<void> {
    this.stopping ??= (async () => {
      try {
        await this.parts.container.stop({ timeout: options.graceMs ?? 5000 });
      } finally {
        // Removed whether or not testcontainers managed to (it may already be gone after a crash).
        await removeContainer(this.containerName);
        getReaper().unregister({ kind: "container", value: this.containerName });
        this.unregisterCleanup();
      }
    })();
    return this.stopping;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  private untilExit(options: WaitOptions): WaitOptions {
    const exited = this.parts.exited;
    return { ...options, signal: options.signal ? AbortSignal.any([exited, options.signal]) : exited };
  }
}
