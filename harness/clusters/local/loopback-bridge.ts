// Joins the root namespace's loopback and a namespace's loopback through a Unix socket (see
// ns-forward.mjs): the root side is an in-process server in the harness, the namespace side a small
// forwarder run with `ip netns exec`. Used so that kube-proxy in the node namespace reaches the API server,
// Envoy in a pod reaches the reference xDS server, and the harness reaches ports inside a pod, all
// without a link or route in the root namespace.
import net from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startChild, type ChildHandle } from "../../util/child.ts";

const FORWARDER = fileURLToPath(new URL("./ns-forward.mjs", import.meta.url));

export interface LoopbackBridge {
  /** "host:port": inside the namespace for intoNamespace, on 127.0.0.1 of the root for outOfNamespace. */
  readonly address: string;
  /** The forwarder process inside the namespace. */
  readonly pid: number;
  stop(): Promise<void>;
}

let counter = 0;
const socketPath = (dir: string) => join(dir, `bridge-${process.pid}-${++counter}.sock`);

// Open sockets per server, so that stop() ends live connections instead of waiting for them.
const sockets = new WeakMap<net.Server, Set<net.Socket>>();

function pipeServer(connect: net.NetConnectOpts): net.Server {
  const open = new Set<net.Socket>();
  const server = net.createServer((inbound) => {
    const outbound = net.connect(connect);
    open.add(inbound).add(outbound);
    inbound.pipe(outbound).pipe(inbound);
    const close = () => {
      inbound.destroy();
      outbound.destroy();
      open.delete(inbound);
      open.delete(outbound);
    };
    for (const s of [inbound, outbound]) s.on("error", close).on("close", close);
  });
  sockets.set(server, open);
  return server;
}

async function listen(server: net.Server, options: net.ListenOptions): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options, () => (server.off("error", reject), resolve()));
  });
}

async function closeServer(server: net.Server): Promise<void> {
  for (const socket of sockets.get(server) ?? []) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function startForwarder(ns: string, listenSpec: string, connectSpec: string): Promise<ChildHandle> {
  const child = await startChild(
    "ip",
    ["netns", "exec", ns, process.execPath, FORWARDER, listenSpec, connectSpec],
    {
      name: `ns-forward(${ns})`,
    },
  );
  try {
    await child.waitForLine(/^listening /, 10_000);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return child;
}

/**
 * Makes 127.0.0.1:<rootPort> of the root namespace reachable as 127.0.0.1:<nsPort> inside ns
 * (nsPort defaults to rootPort: a fresh namespace has every port free).
 */
export async function intoNamespace(
  ns: string,
  rootPort: number,
  dir: string,
  nsPort = rootPort,
): Promise<LoopbackBridge> {
  const path = socketPath(dir);
  const server = pipeServer({ host: "127.0.0.1", port: rootPort });
  await listen(server, { path });
  let child: ChildHandle;
  try {
    child = await startForwarder(ns, `tcp:127.0.0.1:${nsPort}`, `unix:${path}`);
  } catch (error) {
    await closeServer(server);
    throw error;
  }
  return {
    address: `127.0.0.1:${nsPort}`,
    pid: child.pid,
    async stop() {
      await child.stop({ graceMs: 1000 });
      await closeServer(server);
    },
  };
}

/** Makes host:port as seen from inside ns (its loopback, a pod IP, a ClusterIP) reachable on root 127.0.0.1. */
export async function outOfNamespace(ns: string, target: string, dir: string): Promise<LoopbackBridge> {
  const path = socketPath(dir);
  const child = await startForwarder(ns, `unix:${path}`, `tcp:${target}`);
  const server = pipeServer({ path });
  try {
    await listen(server, { host: "127.0.0.1", port: 0 });
  } catch (error) {
    await child.stop({ graceMs: 1000 });
    throw error;
  }
  const port = (server.address() as net.AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    pid: child.pid,
    async stop() {
      await closeServer(server);
      await child.stop({ graceMs: 1000 });
    },
  };
}
