// Envoy as a local process: writes the bootstrap into a temp dir (registered with the reaper), spawns the
// binary, learns the admin port from --admin-address-path and hands back a StartedEnvoy.
import { EnvoyBuilder } from "./envoy-builder.ts";
import { seedFileLayout } from "./file-layout-seed.ts";
export type { EnvoyLogLevel } from "./envoy-builder.ts";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startChild, describeExit, type ChildHandle } from "../util/child.ts";
import { getReaper } from "../util/reaper.ts";
import { EnvoyAdmin, waitFor } from "./envoy-admin.ts";
import { envoyBootstrap } from "./envoy-bootstrap.ts";
import { envoyVersion, findEnvoy } from "./envoy-binary.ts";
import type { NodeIdentity, StartedDataPlane, WaitOptions } from "./types.ts";
import { stringify } from "yaml";

export class EnvoyProcess extends EnvoyBuilder {
  private binary: string | undefined;
  constructor() {
    super(15_000);
  }

  /** The Envoy binary (default: findEnvoy(): ENVOY_BIN, the project venv, PATH). */
  withBinary(path: string): this {
    this.binary = path;
    return this;
  }

  async start(): Promise<StartedEnvoy> {
    if (!this.xds) throw new Error(`EnvoyProcess: expected withXds(...) before start(), got none`);
    const binary = this.binary ?? findEnvoy();
    const version = envoyVersion(binary);
    const bootstrap = this.customize(envoyBootstrap({ node: this.node, xds: this.xds }));
    if (this.xds.mode === "file") await seedFileLayout(this.xds.fileDir!);

    const dir = await mkdtemp(join(tmpdir(), "xdsc-envoy-"));
    getReaper().register({ kind: "dir", value: dir });
    let child: ChildHandle | undefined;
    try {
      const bootstrapPath = join(dir, "bootstrap.yaml");
      const adminAddressPath = join(dir, "admin-address");
      await writeFile(bootstrapPath, stringify(bootstrap));
      const args = [
        ...["-c", bootstrapPath, "--admin-address-path", adminAddressPath],
        ...["--log-level", this.logLevel, "--concurrency", String(this.concurrency)],
        // No shared memory or domain socket per instance, so any number of Envoys run side by side.
        ...["--disable-hot-restart", "--use-dynamic-base-id"],
        ...this.extraArgs,
      ];
      child = await startChild(binary, args, { name: "envoy", cwd: dir, logFile: join(dir, "envoy.log") });
      const exited = exitSignal(child);
      const adminAddress = await waitFor(
        async () => {
          const text = existsSync(adminAddressPath) ? (await readFile(adminAddressPath, "utf8")).trim() : "";
          return text
            ? { done: true, value: text }
            : { done: false, seen: `no address yet; last log line: ${child!.logs(1)}` };
        },
        {
          timeoutMs: this.startTimeoutMs,
          intervalMs: 20,
          signal: exited,
          what: `envoy admin address in ${adminAddressPath}`,
        },
      );
      const admin = new EnvoyAdmin(`http://${adminAddress}`);
      await admin.waitForAdmin({ timeoutMs: this.startTimeoutMs, signal: exited });
      return new StartedEnvoy({
        node: this.node,
        version: await version,
        child,
        exited,
        dir,
        bootstrapPath,
        adminAddress,
        admin,
      });
    } catch (error) {
      await child?.stop({ graceMs: 2000 });
      await rm(dir, { recursive: true, force: true });
      getReaper().unregister({ kind: "dir", value: dir });
      throw error;
    }
  }
}

/** Aborted, with the exit status and the last log lines as reason, once Envoy exits. */
function exitSignal(child: ChildHandle): AbortSignal {
  const controller = new AbortController();
  void child.exited.then((exit) =>
    controller.abort(
      new Error(
        `envoy (pid ${child.pid}) exited (${describeExit(exit)}); last log lines:\n${child.logs(30)}`,
      ),
    ),
  );
  return controller.signal;
}

export interface StartedEnvoyParts {
  node: NodeIdentity;
  version: string;
  child: ChildHandle;
  exited: AbortSignal;
  dir: string;
  bootstrapPath: string;
  adminAddress: string;
  admin: EnvoyAdmin;
}

export class StartedEnvoy implements StartedDataPlane {
  readonly name = "envoy";
  readonly version: string;
  readonly node: NodeIdentity;
  readonly pid: number;
  /** The temp dir holding bootstrap.yaml, admin-address and envoy.log; removed by stop(). */
  readonly dir: string;
  readonly bootstrapPath: string;
  /** "127.0.0.1:port" of the admin interface. */
  readonly adminAddress: string;
  readonly admin: EnvoyAdmin;
  private readonly child: ChildHandle;
  private readonly exited: AbortSignal;
  private stopping: Promise<void> | undefined;

  constructor(parts: StartedEnvoyParts) {
    ({ node: this.node, version: this.version, child: this.child, dir: this.dir } = parts);
    ({ bootstrapPath: this.bootstrapPath, adminAddress: this.adminAddress, admin: this.admin } = parts);
    this.pid = parts.child.pid;
    this.exited = parts.exited;
  }

  getAdmin(): EnvoyAdmin {
    return this.admin;
  }

  /** Exit status if Envoy has exited (crashed, or stopped), undefined while it runs. */
  get exit() {
    return this.child.exit;
  }

  waitForAdmin(options: WaitOptions = {}): Promise<string> {
    return this.admin.waitForAdmin(this.untilExit(options));
  }

  /** Waits for /ready LIVE, which needs the initial CDS and LDS (and what they reference) from a control plane. */
  async waitForReady(options: WaitOptions = {}): Promise<void> {
    await this.admin.waitForReady(this.untilExit(options));
  }

  async listenerAddress(name: string, options: WaitOptions = {}): Promise<string> {
    return this.admin.waitForListener(name, this.untilExit(options));
  }

  logs(lastLines?: number): string {
    return this.child.logs(lastLines);
  }

  /** SIGTERM, SIGKILL after graceMs (default 5000), then removes the temp dir. Idempotent. */
  stop(options: { graceMs?: number } = {}): Promise<void> {
    this.stopping ??= (async () => {
      await this.child.stop(options);
      await rm(this.dir, { recursive: true, force: true });
      getReaper().unregister({ kind: "dir", value: this.dir });
    })();
    return this.stopping;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  /** Waits fail fast when Envoy exits instead of running into their deadline. */
  private untilExit(options: WaitOptions): WaitOptions {
    const signal = options.signal ? AbortSignal.any([this.exited, options.signal]) : this.exited;
    return { ...options, signal };
  }
}
