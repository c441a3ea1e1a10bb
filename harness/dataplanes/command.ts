// Any proxy as a data plane (DESIGN.md §6, "command"): a definition (command-definition.ts) says how to run
// it from a bootstrap template and how to observe it; this file starts it like the Envoy process adapter
// (own temp dir registered with the reaper, its own process group, output kept) and answers the
// StartedDataPlane interface through the definition's hooks.
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { execa } from "execa";
import { startChild, describeExit, type ChildHandle } from "../util/child.ts";
import { freePort } from "../util/free-port.ts";
import { getReaper } from "../util/reaper.ts";
import { CommandHooks } from "./command-hooks.ts";
import {
  loadCommandDefinition,
  parseCommandDefinition,
  variantKey,
  type CommandDefinition,
  type CommandDefinitionInput,
} from "./command-definition.ts";
import { renderTemplate, type TemplateContext } from "./command-template.ts";
import { parseHostPort } from "./envoy-bootstrap.ts";
import { seedFileLayout } from "./file-layout-seed.ts";
import type {
  DataPlaneAdmin,
  DataPlaneBuilder,
  NodeIdentity,
  StartedDataPlane,
  WaitOptions,
  XdsClientConfig,
} from "./types.ts";

export class CommandDataPlane implements DataPlaneBuilder {
  private node: NodeIdentity = { id: `xdsc-${randomBytes(4).toString("hex")}`, cluster: "xdsc" };
  private xds: XdsClientConfig | undefined;
  private vars: Record<string, string> = {};

  private constructor(private readonly definition: () => Promise<CommandDefinition>) {}

  /** A definition file (YAML); loaded and validated by start(). */
  static fromFile(path: string): CommandDataPlane {
    return new CommandDataPlane(() => loadCommandDefinition(path));
  }

  /** A definition in code; a relative bootstrap path is resolved against `baseDir` (default: cwd). */
  static fromDefinition(input: CommandDefinitionInput, baseDir = process.cwd()): CommandDataPlane {
    const definition = parseCommandDefinition(input, `definition "${input.name}"`, baseDir);
    return new CommandDataPlane(async () => definition);
  }

  withNode(node: NodeIdentity): this {
    this.node = node;
    return this;
  }

  withXds(config: XdsClientConfig): this {
    this.xds = config;
    return this;
  }

  /** Values for ${var.NAME}; they override the variant's vars of the definition. */
  withVars(vars: Record<string, string>): this {
    this.vars = { ...this.vars, ...vars };
    return this;
  }

  async start(): Promise<StartedCommandDataPlane> {
    const definition = await this.definition();
    const what = `command data plane "${definition.name}"`;
    if (!this.xds) throw new Error(`${what}: expected withXds(...) before start(), got none`);
    const key = variantKey(this.xds);
    const variantVars = definition.variants[key];
    if (!variantVars) {
      const supported = Object.keys(definition.variants).join(", ");
      throw new Error(
        `${what}: expected a variant it supports (${supported}), got "${key}" (${definition.source})`,
      );
    }
    if (this.xds.mode === "file") await seedFileLayout(this.xds.fileDir!);
    const dir = await mkdtemp(join(tmpdir(), `xdsc-${definition.name}-`));
    getReaper().register({ kind: "dir", value: dir });
    let child: ChildHandle | undefined;
    try {
      const ctx = await this.context(definition, dir, { ...variantVars, ...this.vars });
      const render = (text: string, where: string) => renderTemplate(text, ctx, where);
      if (definition.bootstrapPath) {
        const template = await readFile(definition.bootstrapPath, "utf8");
        await writeFile(ctx.bootstrapPath, render(template, definition.bootstrapPath));
      }
      const [program, ...args] = definition.command.map((arg, i) =>
        render(arg, `${definition.source}: command[${i}]`),
      );
      const version = resolveVersion(definition, render);
      version.catch(() => undefined); // Awaited below; a failed start must not leave it unhandled.
      child = await startChild(program, args, {
        name: definition.name,
        cwd: dir,
        logFile: join(dir, "output.log"),
      });
      const hooks = new CommandHooks(definition, child, render, exitSignal(child));
      await hooks.waitForStarted(definition.startTimeoutMs);
      return new StartedCommandDataPlane({
        definition,
        node: this.node,
        version: await version,
        child,
        dir,
        hooks,
      });
    } catch (error) {
      await child?.stop({ graceMs: definition.graceMs });
      await rm(dir, { recursive: true, force: true });
      getReaper().unregister({ kind: "dir", value: dir });
      throw error;
    }
  }

  /**
   * "name version" for reports, without starting the proxy: the definition's version (its version command
   * runs with the definition's vars; placeholders that need a started data plane are empty).
   */
  async describe(): Promise<string> {
    const definition = await this.definition();
    const firstVariant = Object.values(definition.variants)[0] ?? {};
    const ctx: TemplateContext = {
      xds: { host: "", port: 0, transport: "", mode: "" },
      node: { id: this.node.id, cluster: this.node.cluster },
      adminPort: 0,
      ports: Object.fromEntries(definition.ports.map((p) => [p, 0])),
      dir: "",
      bootstrapPath: "",
      vars: { ...firstVariant, ...this.vars },
      env: process.env,
    };
    const version = await resolveVersion(definition, (text, where) => renderTemplate(text, ctx, where));
    return `${definition.name} ${version}`;
  }

  private async context(
    definition: CommandDefinition,
    dir: string,
    vars: Record<string, string>,
  ): Promise<TemplateContext> {
    const xds = this.xds!;
    const server = xds.address ? parseHostPort(xds.address) : { host: "", port: 0 };
    const ports: Record<string, number> = {};
    for (const name of definition.ports) ports[name] = await freePort();
    return {
      xds: { ...server, transport: xds.transport, mode: xds.mode },
      node: { id: this.node.id, cluster: this.node.cluster },
      adminPort: await freePort(),
      ports,
      dir,
      bootstrapPath: join(dir, definition.bootstrapPath ? basename(definition.bootstrapPath) : "bootstrap"),
      vars,
      env: process.env,
    };
  }
}

async function resolveVersion(
  definition: CommandDefinition,
  render: (text: string, where: string) => string,
): Promise<string> {
  if (typeof definition.version === "string") return definition.version;
  const { command, pattern } = definition.version;
  const [program, ...args] = command.map((arg, i) =>
    render(arg, `${definition.source}: version.command[${i}]`),
  );
  const run = await execa(program, args, { reject: false, timeout: 10_000, all: true });
  const match = new RegExp(pattern).exec(run.all ?? "");
  if (!match?.[1]) {
    throw new Error(
      `${definition.source}: version: expected output of "${command.join(" ")}" to match /${pattern}/ with a group, got "${(run.all ?? "").trim().slice(0, 200)}"`,
    );
  }
  return match[1];
}

function exitSignal(child: ChildHandle): AbortSignal {
  const controller = new AbortController();
  void child.exited.then((exit) =>
    controller.abort(
      new Error(
        `${child.name} (pid ${child.pid}) exited (${describeExit(exit)}); last log lines:\n${child.logs(30)}`,
      ),
    ),
  );
  return controller.signal;
}

interface StartedCommandParts {
  definition: CommandDefinition;
  node: NodeIdentity;
  version: string;
  child: ChildHandle;
  dir: string;
  hooks: CommandHooks;
}

export class StartedCommandDataPlane implements StartedDataPlane {
  readonly name: string;
  readonly version: string;
  readonly node: NodeIdentity;
  readonly pid: number;
  /** The temp dir holding the rendered bootstrap and output.log; removed by stop(). */
  readonly dir: string;
  /** Present when the definition has an `admin` section. */
  readonly getAdmin?: () => DataPlaneAdmin;
  private readonly parts: StartedCommandParts;
  private stopping: Promise<void> | undefined;

  constructor(parts: StartedCommandParts) {
    this.parts = parts;
    ({ node: this.node, version: this.version, dir: this.dir } = parts);
    this.name = parts.definition.name;
    this.pid = parts.child.pid;
    const admin = parts.hooks.admin();
    if (admin) this.getAdmin = () => admin;
  }

  waitForReady(options: WaitOptions = {}): Promise<void> {
    return this.parts.hooks.waitForReady(options);
  }

  listenerAddress(name: string, options: WaitOptions = {}): Promise<string> {
    return this.parts.hooks.listenerAddress(name, options);
  }

  logs(lastLines?: number): string {
    return this.parts.child.logs(lastLines);
  }

  /** SIGTERM to the process group, SIGKILL after the definition's graceMs, then removes the dir. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.parts.child.stop({ graceMs: this.parts.definition.graceMs });
      await rm(this.dir, { recursive: true, force: true });
      getReaper().unregister({ kind: "dir", value: this.dir });
    })();
    return this.stopping;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
