import { expect } from "chai";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startChild } from "./child.ts";

describe("startChild", () => {
  it("captures output in the ring and the log file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xdsc-child-test-"));
    try {
      const logFile = join(dir, "out.log");
      const child = await startChild("sh", ["-c", "echo one; echo two >&2; printf three"], {
        logFile,
        ringLines: 2,
      });
      const exit = await child.exited;
      expect(exit).to.deep.equal({ code: 0, signal: null });
      expect(child.logs().split("\n")).to.have.length(2);
      expect(child.logs()).to.include("three");
      const file = await readFile(logFile, "utf8");
      for (const word of ["one", "two", "three"]) expect(file).to.include(word);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("escalates to SIGKILL when SIGTERM is ignored, and stop is idempotent", async () => {
    const child = await startChild("sh", ["-c", "trap '' TERM; echo ready; while :; do sleep 0.1; done"]);
    try {
      await child.waitForLine(/^ready$/, 5000);
      const [a, b] = await Promise.all([child.stop({ graceMs: 300 }), child.stop({ graceMs: 300 })]);
      expect(a.signal).to.equal("SIGKILL");
      expect(b).to.equal(a);
    } finally {
      await child.stop({ graceMs: 0 });
    }
  });

  it("fails a line wait with the exit and the last lines when the child exits first", async () => {
    const child = await startChild("sh", ["-c", "echo bye; exit 3"], { name: "quitter" });
    const error = await child.waitForLine(/never/, 5000).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.match(
      /quitter \(pid \d+\): expected a line matching \/never\/, got exited \(exit code 3\) first/,
    );
    expect(error?.message).to.include("bye");
  });

  it("rejects with the command when it cannot be started", async () => {
    const error = await startChild("/nonexistent/xdsc-binary", []).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.match(/expected to start "\/nonexistent\/xdsc-binary", got .*ENOENT/);
  });
});
