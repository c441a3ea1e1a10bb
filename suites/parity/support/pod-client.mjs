// The parity suite's client workload, run inside the client pod's network namespace so that every
// connection really starts in the pod (source address = the pod IP, as kube-proxy's ClientIP affinity and
// the sidecar's REDIRECT see it):
//
//   ip netns exec <pod-ns> node pod-client.mjs '{"target":"10.96.0.10:80","count":30,"keepAlive":false}'
//
// Sends `count` GET requests one after another, each on a new connection (kube-proxy balances per
// connection) or all on one keep-alive connection, and prints one JSON line: {"records":[...]} in the
// shape of harness/traffic/traffic-record.ts plus `body` (first 120 bytes of a non-200 answer) and
// `errorCode` (the socket error, e.g. ECONNREFUSED). It never fails on a failed request: every request
// sent gets a record. Plain JavaScript so that it starts fast and needs no tsx.
//
// Load until told to stop (endpoint churn): with `untilFile`, requests go on (at most `count`) until that
// file exists; `startedFile` is created once the first request has ended, so that the harness changes
// nothing before the load runs.
import { existsSync, writeFileSync } from "node:fs";
import http from "node:http";

const opts = JSON.parse(process.argv[2] ?? "{}");
const [host, port] = String(opts.target ?? "").split(":");
if (!host || !port || !(opts.count > 0)) {
  process.stderr.write(`pod-client: expected {"target":"ip:port","count":n}, got ${process.argv[2]}\n`);
  process.exit(2);
}
const timeoutMs = opts.timeoutMs ?? 3000;
const agent = opts.keepAlive ? new http.Agent({ keepAlive: true, maxSockets: 1 }) : false;
const now = () => performance.timeOrigin + performance.now();

const KINDS = { ECONNREFUSED: "connect-refused", ECONNRESET: "connect-reset", EPIPE: "connect-reset" };

function once(seq) {
  const sentAt = now();
  return new Promise((resolve) => {
    const done = (fields) =>
      resolve({ seq, scheduledAt: sentAt, sentAt, endedAt: now(), latencyMs: now() - sentAt, ...fields });
    const req = http.get(
      { host, port: Number(port), path: `/r${seq}`, agent, timeout: timeoutMs, headers: opts.headers ?? {} },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          const backend = res.headers["x-backend-id"];
          const body = res.statusCode === 200 ? undefined : Buffer.concat(chunks).toString().slice(0, 120);
          done({
            status: res.statusCode,
            ...(backend ? { backend: String(backend) } : {}),
            ...(body !== undefined ? { body } : {}),
            localPort: req.socket?.localPort,
          });
        });
        res.on("error", (e) => done({ error: "protocol", errorMessage: e.message }));
      },
    );
    req.on("timeout", () =>
      req.destroy(Object.assign(new Error(`no answer after ${timeoutMs}ms`), { code: "TIMEOUT" })),
    );
    req.on("error", (e) => {
      const code = e.code ?? "";
      const error =
        code === "TIMEOUT"
          ? "timeout"
          : (KINDS[code] ?? (/hang up/.test(e.message) ? "connect-reset" : "other"));
      done({ error, errorCode: code, errorMessage: e.message });
    });
  });
}

const records = [];
for (let seq = 0; seq < opts.count; seq++) {
  if (opts.untilFile && existsSync(opts.untilFile)) break;
  records.push(await once(seq));
  if (seq === 0 && opts.startedFile) writeFileSync(opts.startedFile, "");
}
if (agent) agent.destroy();
process.stdout.write(JSON.stringify({ records }) + "\n");
