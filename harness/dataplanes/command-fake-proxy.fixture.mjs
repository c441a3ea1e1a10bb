// Test helper for command.test.ts: a stand-in "vendor proxy" for the command data plane. Reads the rendered
// bootstrap (JSON) named by its only argument, serves an admin API on bootstrap.adminPort (/healthz,
// /config_dump: the bootstrap itself, /metrics: Prometheus text) and a listener on bootstrap.listenerPort,
// then prints "proxy ready". Exits 1 on a bootstrap it cannot read, like a real proxy would.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

const bootstrap = JSON.parse(readFileSync(process.argv[2], "utf8"));
const admin = createServer((req, res) => {
  if (req.url === "/healthz") return res.end("ok");
  if (req.url === "/config_dump") return res.end(JSON.stringify(bootstrap));
  if (req.url === "/metrics") return res.end('# TYPE up gauge\nup 1\nrequests_total{listener="ingress"} 7\n');
  res.statusCode = 404;
  res.end("no such path");
});
const listener = createServer((req, res) => res.end(`hello from ${bootstrap.node}`));
admin.listen(bootstrap.adminPort, "127.0.0.1", () =>
  listener.listen(bootstrap.listenerPort, "127.0.0.1", () => console.log("proxy ready")),
);
process.on("SIGTERM", () => process.exit(0));
