import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withFileLock } from "./file-lock.ts";

describe("withFileLock", () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "xdsc-file-lock-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("runs holders of the same lock one after the other", async () => {
    const lock = join(dir, "sub", "test.lock");
    const events: string[] = [];
    const hold = (name: string) =>
      withFileLock(lock, async () => {
        events.push(`${name} in`);
        await new Promise((resolve) => setImmediate(resolve));
        events.push(`${name} out`);
        return name;
      });
    const results = await Promise.all([hold("a"), hold("b")]);
    expect(results).to.deep.equal(["a", "b"]);
    for (let i = 0; i < events.length; i += 2) {
      expect(events[i + 1], events.join(", ")).to.equal(events[i].replace(" in", " out"));
    }
  });

  it("releases the lock when the function throws", async () => {
    const lock = join(dir, "throw.lock");
    let thrown: unknown;
    try {
      await withFileLock(lock, async () => {
        throw new Error("boom");
      });
    } catch (error) {
      thrown = error;
    }
    expect(String(thrown)).to.contain("boom");
    expect(await withFileLock(lock, async () => "again", 2_000)).to.equal("again");
  });
});
