// The process side of a proxyless client, shared by grpc-js and grpc-go: a temp dir (registered with the
// reaper) holding bootstrap.json, control.sock and client.log; the child started with startChild; the
// control channel of grpc-client-process/protocol.ts; and the StartedProxylessClient handle on top.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { TrafficRecord } from "../traffic/traffic-record.ts";
import { describeExit, startChild, type ChildHandle } from "../util/child.ts";
import { getReaper } from "../util/reaper.ts";
import type { ControlCommand, ControlReply, Hello } from "./grpc-client-process/protocol.ts";
import {
  checkProxylessXds,
  grpcBootstrap,
  toTrafficRecord,
  type ProxylessClientName,
  type RpcOptions,
  type StartedProxylessClient,
} from "./proxyless.ts";
import type { DataPlaneBuilder, NodeIdentity, WaitOptions, XdsClientConfig } from "./types.ts";

export interface ClientCommand {
  command: string;
  /** Arguments before the control flag; the socket path is appended after `controlFlag`. */
  args: string[];
  controlFlag: string;
  env?: NodeJS.ProcessEnv;
}

export abstract class ProxylessClientBuilder implements DataPlaneBuilder {
  protected node: NodeIdentity = { id: `xdsc-${randomBytes(4).toString("hex")}`, cluster: "xdsc" };
  protected xds: XdsClientConfig | undefined;
  protected target = "xds:///ingress";
  protected startTimeoutMs = 15_000;
  protected env: NodeJS.ProcessEnv = {};

  constructor(readonly clientName: ProxylessClientName) {}

  withNode(node: NodeIdentity): this {
    this.node = node;
    return this;
  }

  withXds(config: XdsClientConfig): this {
    this.xds = config;
    return this;
  }

  /** The API listener the default channel asks for: target `xds:///<listener>` (default "ingress"). */
  withTarget(listener: string): this {
    this.target = `xds:///${listener}`;
    return this;
  }

  /** Deadline for the process to start and connect its control channel (default 15000). */
  withStartTimeout(ms: number): this {
    this.startTimeoutMs = ms;
    return this;
  }

  /** Extra environment, e.g. { GRPC_TRACE: "xds_client", GRPC_VERBOSITY: "DEBUG" } or GRPC_GO_LOG_*. */
  withEnv(env: NodeJS.ProcessEnv): this {
    this.env = { ...this.env, ...env };
    return this;
  }

  protected abstract command(): Promise<ClientCommand>;

  async start(): Promise<StartedProxylessClient> {
    const name = this.clientName;
    const serverUri = checkProxylessXds(name, this.xds);
    const spec = await this.command();
    const dir = await mkdtemp(join(tmpdir(), `xdsc-${name}-`));
    getReaper().register({ kind: "dir", value: dir });
    const controlPath = join(dir, "control.sock");
    const control = net.createServer();
    let child: ChildHandle | undefined;
    try {
      const bootstrapPath = join(dir, "bootstrap.json");
      await writeFile(bootstrapPath, JSON.stringify(grpcBootstrap(this.node, serverUri), null, 2));
      await new Promise<void>((resolve, reject) => {
        control.once("error", reject);
        control.listen(controlPath, resolve);
      });
      const connected = new Promise<net.Socket>((resolve) => control.once("connection", resolve));
      child = await startChild(spec.command, [...spec.args, spec.controlFlag, controlPath], {
        name,
        cwd: dir,
        // TMPDIR inside the client's own dir: whatever it caches (tsx does) goes when the dir goes.
        env: { ...process.env, ...spec.env, ...this.env, GRPC_XDS_BOOTSTRAP: bootstrapPath, TMPDIR: dir },
        logFile: join(dir, "client.log"),
      });
      const channel = await ControlChannel.open(name, child, connected, this.startTimeoutMs);
      // Channels are lazy; without this the client would not subscribe until the first RPC.
      const reply = await channel.request({ cmd: "connect", target: this.target }, this.startTimeoutMs);
      if (!reply.ok) throw new Error(`${name}: expected to connect ${this.target}, got ${reply.error}`);
      return new StartedProxylessProcess(name, this.node, this.target, child, channel, control, dir);
    } catch (error) {
      await child?.stop({ graceMs: 2000 });
      control.close();
      await rm(dir, { recursive: true, force: true });
      getReaper().unregister({ kind: "dir", value: dir });
      throw error;
    }
  }
}

type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;

/** Request/reply by id over the control socket; every wait also ends when the child exits. */
class ControlChannel {
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: ControlReply) => void>();

  private constructor(
    private readonly name: string,
    private readonly child: ChildHandle,
    private readonly socket: net.Socket,
    readonly hello: Hello,
  ) {}

  static async open(name: string, child: ChildHandle, connected: Promise<net.Socket>, timeoutMs: number) {
    const socket = await settle(name, child, connected, timeoutMs, "a connection on the control socket");
    const lines = createInterface({ input: socket });
    const firstLine = new Promise<string>((resolve) => lines.once("line", resolve));
    const hello = JSON.parse(await settle(name, child, firstLine, timeoutMs, "a hello line")) as Hello;
    const channel = new ControlChannel(name, child, socket, hello);
    lines.on("line", (line) => channel.onLine(line));
    return channel;
  }

  private onLine(line: string): void {
    const reply = JSON.parse(line) as ControlReply;
    this.waiting.get(reply.id)?.(reply);
    this.waiting.delete(reply.id);
  }

  async request(command: WithoutId<ControlCommand>, timeoutMs: number): Promise<ControlReply> {
    const id = this.nextId++;
    const reply = new Promise<ControlReply>((resolve) => this.waiting.set(id, resolve));
    this.socket.write(JSON.stringify({ ...command, id }) + "\n");
    try {
      return await settle(this.name, this.child, reply, timeoutMs, `a reply to ${command.cmd} #${id}`);
    } finally {
      this.waiting.delete(id);
    }
  }

  close(): void {
    this.socket.end();
  }
}

/** Resolves with promise, or rejects on the deadline or the child's exit, naming what was awaited. */
async function settle<T>(
  name: string,
  child: ChildHandle,
  promise: Promise<T>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const fail = (got: string) =>
    new Error(`${name} (pid ${child.pid}): expected ${what}, got ${got}; last log lines:\n${child.logs(20)}`);
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(fail(`nothing after ${timeoutMs}ms`)), timeoutMs);
      }),
      child.exited.then((exit) => Promise.reject(fail(`exit (${describeExit(exit)})`))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

class StartedProxylessProcess implements StartedProxylessClient {
  readonly version: string;
  readonly pid: number;
  private stopping: Promise<void> | undefined;

  constructor(
    readonly name: ProxylessClientName,
    readonly node: NodeIdentity,
    readonly target: string,
    private readonly child: ChildHandle,
    private readonly channel: ControlChannel,
    private readonly control: net.Server,
    /** Temp dir with bootstrap.json and client.log; removed by stop(). */
    readonly dir: string,
  ) {
    this.version = channel.hello.version;
    this.pid = child.pid;
  }

  /** The channel to the default target reached READY (it has LDS, RDS, CDS, EDS and a connected endpoint). */
  async waitForReady(options: WaitOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 15_000;
    const reply = await this.channel.request(
      { cmd: "ready", target: this.target, timeoutMs },
      timeoutMs + 5000,
    );
    if (!reply.ok) throw new Error(`${this.name}: ${reply.error}; last log lines:\n${this.child.logs(20)}`);
  }

  async listenerAddress(name: string): Promise<string> {
    throw new Error(
      `${this.name}: listenerAddress("${name}"): not applicable, a proxyless client has no listeners; use sendRpcs()`,
    );
  }

  async sendRpcs(options: RpcOptions): Promise<TrafficRecord[]> {
    const { count, ratePerSec } = options;
    const timeoutMs = options.timeoutMs ?? 5000;
    if (!(Number.isInteger(count) && count > 0 && count <= 1_000_000))
      throw new RangeError(`${this.name}: sendRpcs count: expected an integer in [1, 1000000], got ${count}`);
    const target = options.target ?? this.target;
    // The child bounds every RPC by its deadline; this outer bound only catches a wedged child.
    const runMs = ratePerSec ? (count * 1000) / ratePerSec + timeoutMs : count * timeoutMs;
    const command = { cmd: "rpcs" as const, target, count, timeoutMs, ...(ratePerSec ? { ratePerSec } : {}) };
    const reply = await this.channel.request(command, runMs + 10_000);
    if (!reply.ok || !reply.records) throw new Error(`${this.name}: rpcs to ${target}: ${reply.error}`);
    return reply.records.map(toTrafficRecord);
  }

  logs(lastLines?: number): string {
    return this.child.logs(lastLines);
  }

  /** SIGTERM to the client's process group (SIGKILL after 2 s), then closes the channel and removes the dir. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      // Signal first: a client that exited on its own (channel closed) leaves helpers of its process
      // group, such as tsx's esbuild service, that only the group signal reaches.
      await this.child.stop({ graceMs: 2000 });
      this.channel.close();
      this.control.close();
      await rm(this.dir, { recursive: true, force: true });
      getReaper().unregister({ kind: "dir", value: this.dir });
    })();
    return this.stopping;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
