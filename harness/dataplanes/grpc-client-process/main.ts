// The grpc-js proxyless client process: registers @grpc/grpc-js-xds (the xds:/// resolver and the xDS
// load-balancing policies), reads the bootstrap from GRPC_XDS_BOOTSTRAP, connects to the harness's
// control socket (`--control <path>`) and answers the commands of ./protocol.ts. Started by
// harness/dataplanes/grpc-js.ts; stdout/stderr are its log. Exits when the control channel closes.
import { dirname, join } from "node:path";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import { createInterface } from "node:readline";
import { ECHO_METHOD_PATH, decodeJson, encodeJson } from "../../traffic/grpc-echo-backend.ts";
import type { ControlCommand, ControlReply, Hello, RpcRecord, RpcsCommand } from "./protocol.ts";

type GrpcJs = typeof import("@grpc/grpc-js");

const require = createRequire(import.meta.url);
let xdsMain: string;
try {
  xdsMain = require.resolve("@grpc/grpc-js-xds");
} catch {
  console.error(
    "grpc-js client: @grpc/grpc-js-xds not found: add it to the project (npm i @grpc/grpc-js-xds@1.14.1)",
  );
  process.exit(2);
}
// grpc-js-xds registers into the grpc-js instance it resolves itself; calls must go through that one.
const xdsRequire = createRequire(xdsMain);
const grpc = xdsRequire("@grpc/grpc-js") as GrpcJs;
(require(xdsMain) as { register(): void }).register();

const controlPath = process.argv[process.argv.indexOf("--control") + 1];
if (!process.argv.includes("--control") || !controlPath) {
  console.error("grpc-js client: expected --control <socket path>, got none");
  process.exit(2);
}

const clients = new Map<string, InstanceType<GrpcJs["Client"]>>();
function clientFor(target: string) {
  let client = clients.get(target);
  if (!client) {
    client = new grpc.Client(target, grpc.credentials.createInsecure());
    clients.set(target, client);
  }
  return client;
}

const nowMs = () => performance.timeOrigin + performance.now();

/** Waits for READY; TRANSIENT_FAILURE is not final while xDS resources are still arriving. */
async function waitReady(target: string, timeoutMs: number): Promise<Omit<ControlReply, "id">> {
  const channel = clientFor(target).getChannel();
  const deadline = Date.now() + timeoutMs;
  let state = channel.getConnectivityState(true);
  while (state !== grpc.connectivityState.READY) {
    if (state === grpc.connectivityState.IDLE) channel.getConnectivityState(true);
    const changed = await new Promise<boolean>((resolve) =>
      channel.watchConnectivityState(state, deadline, (error) => resolve(!error)),
    );
    const name = grpc.connectivityState[state];
    if (!changed)
      return {
        ok: false,
        state: name,
        error: `channel ${target}: expected READY within ${timeoutMs}ms, got ${name}`,
      };
    state = channel.getConnectivityState(true);
  }
  return { ok: true, state: "READY" };
}

function callOnce(target: string, seq: number, scheduledAt: number, timeoutMs: number): Promise<RpcRecord> {
  const sentAt = nowMs();
  return new Promise((resolve) =>
    clientFor(target).makeUnaryRequest(
      ECHO_METHOD_PATH,
      encodeJson,
      decodeJson,
      { seq },
      new grpc.Metadata(),
      { deadline: Date.now() + timeoutMs },
      (error, reply) => {
        const endedAt = nowMs();
        const times = { seq, scheduledAt, sentAt, endedAt, latencyMs: endedAt - sentAt };
        if (error) return resolve({ ...times, status: grpc.status[error.code], error: error.details });
        const backend = (reply as { backend?: unknown } | undefined)?.backend;
        resolve({ ...times, status: "OK", ...(typeof backend === "string" ? { backend } : {}) });
      },
    ),
  );
}

async function sendRpcs(cmd: RpcsCommand): Promise<RpcRecord[]> {
  const pending: Promise<RpcRecord>[] = [];
  const start = nowMs();
  for (let seq = 0; seq < cmd.count; seq++) {
    if (!cmd.ratePerSec) {
      pending.push(Promise.resolve(await callOnce(cmd.target, seq, nowMs(), cmd.timeoutMs)));
      continue;
    }
    // Open loop: RPC n goes at start + n/rate however long earlier ones take.
    const scheduledAt = start + (seq * 1000) / cmd.ratePerSec;
    const waitMs = scheduledAt - nowMs();
    if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
    pending.push(callOnce(cmd.target, seq, scheduledAt, cmd.timeoutMs));
  }
  return Promise.all(pending);
}

async function handle(cmd: ControlCommand): Promise<ControlReply> {
  if (cmd.cmd === "connect") {
    clientFor(cmd.target).getChannel().getConnectivityState(true);
    return { id: cmd.id, ok: true };
  }
  if (cmd.cmd === "ready") return { ...(await waitReady(cmd.target, cmd.timeoutMs)), id: cmd.id };
  if (cmd.cmd === "rpcs") return { id: cmd.id, ok: true, records: await sendRpcs(cmd) };
  return {
    id: (cmd as { id: number }).id,
    ok: false,
    error: `cmd: expected "connect", "ready" or "rpcs", got ${JSON.stringify(cmd)}`,
  };
}

function packageVersion(main: string): string {
  for (let dir = dirname(main); dir !== dirname(dir); dir = dirname(dir)) {
    const path = join(dir, "package.json");
    if (existsSync(path)) return (JSON.parse(readFileSync(path, "utf8")) as { version: string }).version;
  }
  return "unknown";
}

const socket = net.connect(controlPath);
const send = (message: ControlReply | Hello) => socket.write(JSON.stringify(message) + "\n");
socket.on("connect", () => {
  const version = `${packageVersion(xdsMain)} (grpc-js ${packageVersion(xdsRequire.resolve("@grpc/grpc-js"))})`;
  send({ event: "hello", client: "grpc-js", version });
  console.log(`grpc-js client ${version}: connected to ${controlPath}`);
});
socket.on("error", (error) => {
  console.error(`grpc-js client: control socket ${controlPath}: ${error.message}`);
  process.exit(1);
});
createInterface({ input: socket }).on("line", (line) => {
  let cmd: ControlCommand;
  try {
    cmd = JSON.parse(line) as ControlCommand;
  } catch (error) {
    return send({
      id: -1,
      ok: false,
      error: `command: expected JSON, got ${JSON.stringify(line)} (${String(error)})`,
    });
  }
  handle(cmd).then(send, (error: Error) => send({ id: cmd.id, ok: false, error: error.message }));
});
// The harness closed the control channel: it is done with us (or gone).
socket.on("close", () => {
  console.log("grpc-js client: control channel closed, exiting");
  for (const client of clients.values()) client.close();
  process.exit(0);
});
