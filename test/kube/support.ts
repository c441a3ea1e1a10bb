// Helpers for the local-cluster end-to-end test: availability, root-namespace rule snapshot, a plain
// HTTP client (one connection per request, so kube-proxy and Envoy pick an endpoint every time) and a
// wait for the reference server's ACK events (harness/xds/wait-for-acks.ts).
import http from "node:http";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
export { waitForAcks } from "../../harness/xds/wait-for-acks.ts";
import { missingTools } from "../../harness/clusters/local/netns.ts";

const run = promisify(execFile);

/** Why the local provider cannot run here, or undefined when it can. */
export async function kubeAvailability(): Promise<string | undefined> {
  if (process.platform !== "linux") return "the local cluster needs Linux network namespaces";
  if (process.getuid?.() !== 0) return "the local cluster needs root (ip netns, iptables, nft)";
  if (process.env.XDSC_SKIP_KUBE === "1") return "XDSC_SKIP_KUBE=1";
  const missing = await missingTools();
  if (missing.length > 0) return `missing tools: ${missing.join(", ")}`;
  return undefined;
}

/**
 * For a `before` hook: skips the suite (saying why) where the local cluster cannot run, and fails it in
 * CI, where a missing prerequisite is a failure, never a skip (.ci/run installs everything).
 */
export async function requireLocalCluster(ctx: Mocha.Context): Promise<void> {
  const unavailable = await kubeAvailability();
  if (unavailable && process.env.CI === "true")
    throw new Error(`local cluster prerequisite missing in CI: ${unavailable}`);
  if (unavailable) {
    console.log(`      skipped: ${unavailable}`);
    ctx.skip();
  }
}

// What the harness's addresses and kube-proxy's objects look like in a rule or an address listing.
const OURS = /10\.96\.|10\.244\.|169\.254\.1\.1\b|KUBE-|kube-proxy/;

/**
 * Root-namespace rules and addresses that could be ours. Other engineers' Docker changes root rules at
 * any time, so the leak check compares only lines that mention our ranges or kube-proxy's names.
 */
export async function rootRules(): Promise<string> {
  const sources = await Promise.all([
    run("iptables-save", []).then(
      (r) => r.stdout,
      () => "",
    ),
    run("nft", ["list", "ruleset"]).then(
      (r) => r.stdout,
      () => "",
    ),
    run("ip", ["-o", "addr"]).then(
      (r) => r.stdout,
      () => "",
    ),
    run("ip", ["route"]).then(
      (r) => r.stdout,
      () => "",
    ),
  ]);
  return sources
    .join("\n")
    .split("\n")
    .filter((line) => OURS.test(line))
    .join("\n");
}

function get(address: string, host?: string, timeoutMs = 5000): Promise<{ status: number; backend: string }> {
  const [hostname, port] = address.split(":");
  return new Promise((resolve, reject) => {
    const req = http.get(
      {
        hostname,
        port: Number(port),
        path: "/",
        agent: false,
        timeout: timeoutMs,
        headers: host ? { host } : {},
      },
      (res) => {
        res.resume();
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, backend: String(res.headers["x-backend-id"] ?? "") }),
        );
      },
    );
    req.on("timeout", () => req.destroy(new Error(`GET http://${address}/: no answer after ${timeoutMs}ms`)));
    req.on("error", reject);
  });
}

/** Sends count requests one after another; resolves with requests per backend id. Any non-200 fails. */
export async function sendRequests(
  address: string,
  count: number,
  host?: string,
): Promise<Record<string, number>> {
  const tally: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const { status, backend } = await get(address, host);
    if (status !== 200)
      throw new Error(
        `request ${i + 1}/${count} via ${address}: expected 200, got ${status} (tally so far ${JSON.stringify(tally)})`,
      );
    tally[backend] = (tally[backend] ?? 0) + 1;
  }
  return tally;
}
