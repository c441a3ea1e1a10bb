// Real Envoy, no control plane: the xDS cluster points at a closed loopback port, so Envoy never becomes
// LIVE, but its admin interface answers and everything the harness observes through it can be checked.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { freePort } from "../util/free-port.ts";
import { isProcessAlive } from "../util/child.ts";
import { waitFor } from "./envoy-admin.ts";
import { EnvoyProcess, type StartedEnvoy } from "./envoy-process.ts";
import type { XdsClientConfig } from "./types.ts";

const node = { id: "envoy-process-test", cluster: "xdsc-test", locality: { region: "r1", zone: "z1" } };

// Init waits for the first CDS/LDS response, which never comes.
const NOT_LIVE = ["PRE_INITIALIZING", "INITIALIZING"];

async function closedXds(): Promise<XdsClientConfig> {
  return {
    mode: "ads",
    transport: "sotw",
    address: `127.0.0.1:${await freePort()}`,
    initialFetchTimeoutMs: 0,
  };
}

async function gone(envoy: StartedEnvoy): Promise<void> {
  expect(isProcessAlive(envoy.pid), `envoy pid ${envoy.pid} alive`).to.equal(false);
  expect(existsSync(envoy.dir), `${envoy.dir} exists`).to.equal(false);
}

describe("EnvoyProcess", () => {
  describe("with an unreachable control plane", () => {
    let envoy: StartedEnvoy;
    before(async () => {
      envoy = await new EnvoyProcess()
        .withNode(node)
        .withXds(await closedXds())
        .withLogLevel("info")
        .withBootstrap((bootstrap) => ({
          ...bootstrap,
          static_resources: {
            ...(bootstrap.static_resources as object),
            listeners: [
              {
                name: "static-tcp",
                address: { socket_address: { address: "127.0.0.1", port_value: 0 } },
                filter_chains: [
                  {
                    filters: [
                      {
                        name: "envoy.filters.network.tcp_proxy",
                        typed_config: {
                          "@type":
                            "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy",
                          stat_prefix: "static_tcp",
                          cluster: "xds_cluster",
                        },
                      },
                    ],
                  },
                ],
              },
            ],
          },
        }))
        .start();
    });
    after(async () => {
      await envoy?.stop();
    });

    it("reports name, version and the node it was given", async () => {
      expect(envoy.name).to.equal("envoy");
      expect(envoy.version).to.match(/^1\.\d+\.\d+/);
      const info = await envoy.admin.serverInfo();
      expect(info.node).to.include({ id: node.id, cluster: node.cluster });
      expect(info.state).to.be.oneOf(NOT_LIVE);
    });

    it("answers the admin API before it is LIVE", async () => {
      const ready = await envoy.admin.ready();
      expect(ready.live).to.equal(false);
      expect(ready.state).to.be.oneOf(NOT_LIVE);
      const dump = await envoy.admin.configDump();
      expect(dump.configs.map((c) => c["@type"])).to.include(
        "type.googleapis.com/envoy.admin.v3.BootstrapConfigDump",
      );
      const clusters = await envoy.admin.clusters();
      expect(clusters.map((c) => c.name)).to.include("xds_cluster");
      const hosts = await envoy.admin.waitForClusterEndpoints("xds_cluster", 1);
      expect(hosts).to.have.length(1);
      const stats = await envoy.admin.stats("^cluster_manager\\.");
      expect(stats).to.have.property("cluster_manager.active_clusters", 1);
      expect(await envoy.admin.versions()).to.deep.equal({ clusters: "", listeners: "" });
    });

    it("finds the port Envoy bound for a listener configured with port 0", async () => {
      const address = await envoy.listenerAddress("static-tcp");
      expect(address).to.match(/^127\.0\.0\.1:\d+$/);
      expect(address).not.to.equal("127.0.0.1:0");
    });

    it("fails waits with what was awaited and the last thing seen", async () => {
      const error = await envoy.waitForReady({ timeoutMs: 300 }).catch((e: Error) => e);
      expect(String(error)).to.match(
        /Envoy at http:\/\/127\.0\.0\.1:\d+ LIVE: not reached after 300ms; last seen: \/ready says (PRE_)?INITIALIZING/,
      );
      const missing = await envoy.listenerAddress("nope", { timeoutMs: 200 }).catch((e: Error) => e);
      expect(String(missing)).to.include(
        'listener "nope": not reached after 200ms; last seen: listeners ["static-tcp"]',
      );
    });

    it("keeps Envoy's output", () => {
      expect(envoy.logs()).to.include("starting main dispatch loop");
    });
  });

  it("runs two Envoys at once, and stop leaves neither process nor temp dir", async () => {
    const [a, b] = await Promise.all([
      new EnvoyProcess().withXds(await closedXds()).start(),
      new EnvoyProcess().withXds(await closedXds()).start(),
    ]);
    try {
      expect(a.adminAddress).not.to.equal(b.adminAddress);
      expect((await a.admin.ready()).state).to.be.oneOf(NOT_LIVE);
      expect((await b.admin.ready()).state).to.be.oneOf(NOT_LIVE);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    await gone(a);
    await gone(b);
    await a.stop(); // idempotent
  });

  it("fails a wait at once when Envoy dies, with its exit and last log lines", async () => {
    const envoy = await new EnvoyProcess().withXds(await closedXds()).start();
    try {
      const started = Date.now();
      const waiting = envoy.waitForReady({ timeoutMs: 20_000 }).catch((e: Error) => e);
      process.kill(envoy.pid, "SIGKILL");
      const error = await waiting;
      expect(String(error)).to.match(
        /LIVE: gave up after \d+ms: envoy \(pid \d+\) exited \(signal SIGKILL\); last log lines:/,
      );
      expect(Date.now() - started).to.be.lessThan(5000);
      expect(envoy.exit).to.deep.equal({ code: null, signal: "SIGKILL" });
    } finally {
      await envoy.stop();
    }
    await gone(envoy);
  });

  it("fails start with Envoy's last log lines when Envoy exits early", async () => {
    const builder = new EnvoyProcess()
      .withXds(await closedXds())
      .withBootstrap((bootstrap) => ({ ...bootstrap, no_such_field: true }));
    const error = await builder.start().catch((e: Error) => e);
    expect(String(error)).to.match(/envoy \(pid \d+\) exited \(exit code 1\); last log lines:/);
    expect(String(error)).to.include("no_such_field");
  });

  it("says which binary could not be started", async () => {
    const error = await new EnvoyProcess()
      .withBinary("/nonexistent/envoy")
      .withXds(await closedXds())
      .start()
      .catch((e: Error) => e);
    expect(String(error)).to.match(/envoy: expected to start "\/nonexistent\/envoy", got .*ENOENT/);
  });

  it("is stopped by the reaper when the harness process is SIGKILLed", async () => {
    const fixture = fileURLToPath(new URL("./envoy-orphan.fixture.ts", import.meta.url));
    const owner = spawn(process.execPath, ["--import", "tsx", fixture], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let report: { pid: number; dir: string } | undefined;
    try {
      const first = createInterface({ input: owner.stdout! })[Symbol.asyncIterator]().next();
      const exited = new Promise<never>((_, reject) =>
        owner.once("exit", (code) => reject(new Error(`fixture exited ${code}`))),
      );
      report = JSON.parse((await Promise.race([first, exited])).value as string);
      expect(isProcessAlive(report!.pid)).to.equal(true);
      owner.kill("SIGKILL");
      const { pid, dir } = report!;
      await waitFor(
        async () => (isProcessAlive(pid) ? { done: false, seen: "alive" } : { done: true, value: 0 }),
        {
          what: `envoy pid ${pid} reaped`,
          timeoutMs: 10_000,
        },
      );
      await waitFor(
        async () => (existsSync(dir) ? { done: false, seen: "exists" } : { done: true, value: 0 }),
        {
          what: `${dir} removed`,
          timeoutMs: 10_000,
        },
      );
    } finally {
      owner.kill("SIGKILL");
      if (report && isProcessAlive(report.pid)) process.kill(report.pid, "SIGKILL");
    }
  });
});
