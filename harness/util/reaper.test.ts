import { expect } from "chai";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { isProcessAlive, startChild } from "./child.ts";

async function eventually(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs)
      throw new Error(`${what}: expected within ${timeoutMs}ms, got still false`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const FIXTURE = fileURLToPath(new URL("./reaper-orphan.fixture.ts", import.meta.url));

describe("reaper", () => {
  it("kills registered pids and removes registered dirs when its owner is SIGKILLed", async () => {
    const owner = spawn(process.execPath, ["--import", "tsx", FIXTURE], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let report: { pid: number; dir: string; reaperPid: number } | undefined;
    try {
      const [line] = await Promise.race([
        createInterface({ input: owner.stdout! })
          [Symbol.asyncIterator]()
          .next()
          .then((r) => [r.value as string]),
        new Promise<never>((_, reject) =>
          owner.once("exit", (code) => reject(new Error(`fixture exited ${code}`))),
        ),
      ]);
      report = JSON.parse(line);
      expect(isProcessAlive(report!.pid), "child before the kill").to.equal(true);
      expect(existsSync(report!.dir), "dir before the kill").to.equal(true);
      owner.kill("SIGKILL");
      await eventually(`orphan pid ${report!.pid} gone`, () => !isProcessAlive(report!.pid));
      await eventually(`dir ${report!.dir} removed`, () => !existsSync(report!.dir));
      await eventually(`reaper ${report!.reaperPid} exited`, () => !isProcessAlive(report!.reaperPid));
    } finally {
      owner.kill("SIGKILL");
      if (report && isProcessAlive(report.pid)) process.kill(report.pid, "SIGKILL");
    }
  });

  it("runs registered cleanups on SIGINT, stopping children, then exits with 130", async () => {
    const owner = spawn(process.execPath, ["--import", "tsx", FIXTURE], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let report: { pid: number; dir: string } | undefined;
    try {
      const lines = createInterface({ input: owner.stdout! })[Symbol.asyncIterator]();
      report = JSON.parse((await lines.next()).value as string);
      const exit = new Promise<number | null>((resolve) => owner.once("exit", resolve));
      owner.kill("SIGINT");
      expect((await lines.next()).value).to.equal("cleanup ran");
      expect(await exit).to.equal(130);
      expect(isProcessAlive(report!.pid), "child stopped by its cleanup").to.equal(false);
      // The dir was left to the reaper, which sees the pipe close when the owner exits.
      await eventually(`dir ${report!.dir} removed`, () => !existsSync(report!.dir));
    } finally {
      owner.kill("SIGKILL");
      if (report && isProcessAlive(report.pid)) process.kill(report.pid, "SIGKILL");
    }
  });

  it("leaves alone what was unregistered", async () => {
    const owner = spawn(process.execPath, ["--import", "tsx", FIXTURE, "forget"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let dir: string | undefined;
    try {
      const report = JSON.parse(
        (await createInterface({ input: owner.stdout! })[Symbol.asyncIterator]().next()).value as string,
      );
      dir = report.dir as string;
      await eventually(`reaper ${report.reaperPid} exited`, () => !isProcessAlive(report.reaperPid));
      expect(existsSync(dir), "unregistered dir").to.equal(true);
    } finally {
      owner.kill("SIGKILL");
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  });

  it("stops a child with SIGTERM and forgets it", async () => {
    const child = await startChild("sleep", ["300"], { name: "sleep" });
    const exit = await child.stop({ graceMs: 2000 });
    expect(exit.signal).to.equal("SIGTERM");
    expect(isProcessAlive(child.pid)).to.equal(false);
  });
});
