// Envoy in a container, no control plane (the xDS cluster points at a closed port, so Envoy stays
// INITIALIZING): what the handle reports, and that nothing is left behind — no container, no image build
// dir — after a failing test, a failed start, SIGINT or SIGKILL of the harness process.
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { ensureDockerEngine } from "../containers/docker-engine.ts";
import { ensureEnvoyImage } from "../containers/envoy-image.ts";
import { managedContainers, removeLeftoverContainers } from "../containers/session.ts";
import { freePort } from "../util/free-port.ts";
import { waitFor } from "./envoy-admin.ts";
import { EnvoyContainer } from "./envoy-container.ts";
import type { XdsClientConfig } from "./types.ts";

const node = { id: "envoy-container-test", cluster: "xdsc-test" };
const FIXTURE = fileURLToPath(new URL("./envoy-container-orphan.fixture.ts", import.meta.url));

async function closedXds(): Promise<XdsClientConfig> {
  return {
    mode: "ads",
    transport: "sotw",
    address: `127.0.0.1:${await freePort()}`,
    initialFetchTimeoutMs: 0,
  };
}

async function containerExists(name: string): Promise<boolean> {
  return (await execa("docker", ["container", "inspect", name], { reject: false })).exitCode === 0;
}

async function buildDirs(pid: number): Promise<string[]> {
  return (await readdir(tmpdir())).filter((name) => name.startsWith(`xdsc-envoy-image-${pid}-`));
}

/** Starts the fixture in a fresh node process and reads its report line. */
async function startOwner(): Promise<{
  owner: ChildProcess;
  report: { pid: number; built: boolean; container: string };
}> {
  const owner = spawn(process.execPath, ["--import", "tsx", FIXTURE], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const first = createInterface({ input: owner.stdout! })[Symbol.asyncIterator]().next();
  const exited = new Promise<never>((_, reject) =>
    owner.once("exit", (code) => reject(new Error(`fixture: expected a report line, got exit ${code}`))),
  );
  return { owner, report: JSON.parse((await Promise.race([first, exited])).value as string) };
}

async function waitGone(name: string): Promise<void> {
  await waitFor(
    async () => ((await containerExists(name)) ? { done: false, seen: "exists" } : { done: true, value: 0 }),
    {
      what: `container ${name} removed`,
      timeoutMs: 15_000,
      intervalMs: 100,
    },
  );
}

describe("EnvoyContainer", function () {
  this.timeout(30_000);

  before(async function () {
    this.timeout(200_000);
    await ensureDockerEngine();
    await ensureEnvoyImage();
  });

  afterEach(async () => {
    expect(await removeLeftoverContainers(), "containers left behind").to.deep.equal([]);
    expect(await buildDirs(process.pid), "image build dirs left behind").to.deep.equal([]);
  });

  it("reports name, version, node and the admin API before Envoy is LIVE", async () => {
    await using envoy = await new EnvoyContainer()
      .withNode(node)
      .withXds(await closedXds())
      .start();
    expect(envoy.name).to.equal("envoy-container");
    expect(envoy.version).to.match(/^1\.\d+\.\d+/);
    const info = await envoy.getAdmin().serverInfo();
    expect(info.node).to.include({ id: node.id, cluster: node.cluster });
    expect((await envoy.admin.ready()).state).to.be.oneOf(["PRE_INITIALIZING", "INITIALIZING"]);
    expect(envoy.adminAddress).to.match(/^127\.0\.0\.1:\d+$/);
    expect(await managedContainers()).to.deep.equal([envoy.containerName]);
    const error = await envoy.waitForReady({ timeoutMs: 300 }).catch((e: Error) => e);
    expect(String(error)).to.match(
      /LIVE: not reached after 300ms; last seen: \/ready says (PRE_)?INITIALIZING/,
    );
  });

  it("leaves no container when the test using it fails", async () => {
    let name = "";
    const error = await (async () => {
      await using envoy = await new EnvoyContainer().withXds(await closedXds()).start();
      name = envoy.containerName;
      throw new Error("boom");
    })().catch((e: Error) => e);
    expect(String(error)).to.contain("boom");
    expect(await containerExists(name), `container ${name}`).to.equal(false);
  });

  it("fails start with Envoy's log and removes the container when the bootstrap is invalid", async () => {
    const started = Date.now();
    const error = await new EnvoyContainer()
      .withXds(await closedXds())
      .withBootstrap((bootstrap) => ({ ...bootstrap, no_such_field: true }))
      .start()
      .catch((e: Error) => e);
    expect(String(error))
      .to.match(/envoy container xdsc-envoy-[0-9a-f]+: .*exit code 1/)
      .and.to.include("no_such_field");
    expect(Date.now() - started).to.be.below(15_000);
  });

  it("fails a wait at once when the container dies, with its state and logs", async () => {
    await using envoy = await new EnvoyContainer().withXds(await closedXds()).start();
    const waiting = envoy.waitForReady({ timeoutMs: 20_000 }).catch((e: Error) => e);
    await execa("docker", ["kill", envoy.containerName]);
    expect(String(await waiting)).to.match(
      /gave up after \d+ms: envoy container xdsc-envoy-\w+ exited with exit code 137/,
    );
  });

  it("is removed by the reaper when the harness is SIGKILLed; the image came from the cache", async () => {
    const { owner, report } = await startOwner();
    try {
      expect(report.built, "ensureEnvoyImage() in a fresh process").to.equal(false);
      expect(await containerExists(report.container)).to.equal(true);
      owner.kill("SIGKILL");
      await waitGone(report.container);
      expect(await buildDirs(report.pid)).to.deep.equal([]);
    } finally {
      owner.kill("SIGKILL");
      await execa("docker", ["rm", "--force", report.container], { reject: false });
    }
  });

  it("is stopped by the signal cleanup on SIGINT, which exits with 130", async () => {
    const { owner, report } = await startOwner();
    try {
      const exit = new Promise<number | null>((resolve) => owner.once("exit", resolve));
      owner.kill("SIGINT");
      expect(await exit).to.equal(130);
      // Stopped by the cleanup before the exit, not by the reaper afterwards.
      expect(await containerExists(report.container), `container ${report.container}`).to.equal(false);
      expect(await buildDirs(report.pid)).to.deep.equal([]);
    } finally {
      owner.kill("SIGKILL");
      await execa("docker", ["rm", "--force", report.container], { reject: false });
    }
  });
});
