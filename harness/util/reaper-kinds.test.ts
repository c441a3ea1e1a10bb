// The reaper's container and netns kinds, driven over its pipe directly: what is registered when the pipe
// closes is removed through docker and ip; what was unregistered, or is already gone, is left alone.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { ensureDockerEngine, MANAGED_LABEL } from "../containers/docker-engine.ts";
import { ensureEnvoyImage } from "../containers/envoy-image.ts";
import { getReaper } from "./reaper.ts";

const REAPER_SCRIPT = fileURLToPath(new URL("./reaper-process.mjs", import.meta.url));

/** Runs a reaper, feeds it `messages`, closes its pipe and resolves when it has reaped and exited. */
async function reapWith(messages: object[], logPath: string): Promise<void> {
  const reaper = spawn(process.execPath, [REAPER_SCRIPT], {
    stdio: ["pipe", "ignore", "inherit"],
    env: { ...process.env, XDSC_REAPER_LOG: logPath },
  });
  const exited = new Promise<number | null>((resolve) => reaper.once("exit", resolve));
  reaper.stdin.end(messages.map((m) => `${JSON.stringify(m)}\n`).join(""));
  expect(await exited, "reaper exit code").to.equal(0);
}

async function containerExists(name: string): Promise<boolean> {
  return (await execa("docker", ["container", "inspect", name], { reject: false })).exitCode === 0;
}

async function netnsExists(name: string): Promise<boolean> {
  const list = await execa("ip", ["netns", "list"]);
  return list.stdout.split("\n").some((line) => line.split(" ")[0] === name);
}

describe("reaper: containers and network namespaces", function () {
  this.timeout(30_000);
  const suffix = randomBytes(4).toString("hex");
  const [kept, reaped, ns] = [
    `xdsc-reaper-kept-${suffix}`,
    `xdsc-reaper-gone-${suffix}`,
    `xdsc-rt-${suffix}`,
  ];
  let dir = "";

  before(async function () {
    this.timeout(200_000);
    await ensureDockerEngine();
    dir = await mkdtemp(join(tmpdir(), "xdsc-reaper-kinds-"));
  });

  after(async () => {
    await execa("docker", ["rm", "--force", kept, reaped], { reject: false });
    await execa("ip", ["netns", "delete", ns], { reject: false });
    await rm(dir, { recursive: true, force: true });
  });

  it("removes registered containers and namespaces, leaves unregistered ones, tolerates missing ones", async () => {
    const { tag } = await ensureEnvoyImage();
    for (const name of [kept, reaped]) {
      const labels = ["--label", `${MANAGED_LABEL}=true`];
      await execa("docker", ["create", "--name", name, "--network", "none", ...labels, tag, "envoy"]);
    }
    await execa("ip", ["netns", "add", ns]);
    const log = join(dir, "reaper.log");
    await reapWith(
      [
        { op: "add", kind: "container", value: reaped },
        { op: "add", kind: "container", value: kept },
        { op: "remove", kind: "container", value: kept },
        { op: "add", kind: "container", value: `xdsc-never-existed-${suffix}` },
        { op: "add", kind: "netns", value: ns },
        { op: "add", kind: "container", value: "--help" },
      ],
      log,
    );
    expect(await containerExists(reaped), `container ${reaped}`).to.equal(false);
    expect(await containerExists(kept), `unregistered container ${kept}`).to.equal(true);
    expect(await netnsExists(ns), `netns ${ns}`).to.equal(false);
    const text = await readFile(log, "utf8");
    expect(text).to.include(`container xdsc-never-existed-${suffix} already gone`);
    expect(text).to.include('ignoring container "--help"');
  });

  it("refuses a name that is not a container name at registration", () => {
    expect(() => getReaper().register({ kind: "container", value: "-rf /" })).to.throw(
      /reaper container: expected a name matching .*, got "-rf \/"/,
    );
    expect(() => getReaper().register({ kind: "netns", value: 42 })).to.throw(/reaper netns: expected/);
  });
});
