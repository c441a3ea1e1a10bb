// A byte forwarder between a TCP port and a Unix socket, run inside a network namespace with
// `ip netns exec`. Unix sockets live in the file system, not in a network namespace, so a pair of these
// (or one plus an in-process peer, see loopback-bridge.ts) joins the root namespace's loopback to a
// namespace's loopback without any link, address or route in the root namespace.
//
//   node ns-forward.mjs <listen> <connect>     each one of tcp:<host>:<port> | unix:<path>
// Prints "listening <listen>" once accepting. Plain JavaScript so that it starts fast and needs no tsx.
import net from "node:net";

function parse(spec) {
  if (spec.startsWith("unix:")) return { path: spec.slice(5) };
  const m = /^tcp:(.+):(\d+)$/.exec(spec);
  if (!m) throw new Error(`ns-forward: expected tcp:<host>:<port> or unix:<path>, got "${spec}"`);
  return { host: m[1], port: Number(m[2]) };
}

const [listenSpec, connectSpec] = process.argv.slice(2);
const listen = parse(listenSpec ?? "");
const target = parse(connectSpec ?? "");

const server = net.createServer((inbound) => {
  const outbound = net.connect(target);
  inbound.pipe(outbound).pipe(inbound);
  const close = () => {
    inbound.destroy();
    outbound.destroy();
  };
  inbound.on("error", close);
  outbound.on("error", close);
  inbound.on("close", close);
  outbound.on("close", close);
});
server.on("error", (error) => {
  process.stderr.write(`ns-forward: ${error.message}\n`);
  process.exit(1);
});
server.listen(listen, () => {
  const a = server.address();
  const shown = typeof a === "string" ? `unix:${a}` : `tcp:${a.address}:${a.port}`;
  process.stdout.write(`listening ${shown}\n`);
});
process.on("SIGTERM", () => process.exit(0));
