// scripts/build-go.sh, on a tiny module (the grpc-go client itself is built by test/e2e/proxyless.test.ts):
// builds into $XDSC_CACHE_DIR/bin/<name>-<hash> (a temp dir here), reuses an unchanged module and rebuilds a
// changed one.
import { expect } from "chai";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import { projectPath } from "../util/paths.ts";

const run = promisify(execFile);
const NAME = `xdsc-build-go-test-${process.pid}`;

let cacheDir: string;

async function build(dir: string): Promise<{ path: string; log: string }> {
  const { stdout, stderr } = await run("bash", [projectPath("scripts", "build-go.sh"), dir, NAME], {
    env: { ...process.env, XDSC_CACHE_DIR: cacheDir },
  });
  return { path: stdout.trim(), log: stderr };
}

describe("scripts/build-go.sh", function () {
  this.timeout(30_000);
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "xdsc-build-go-"));
    cacheDir = await mkdtemp(join(tmpdir(), "xdsc-build-cache-"));
    await writeFile(join(dir, "go.mod"), "module example.com/hello\n\ngo 1.22\n");
    await writeFile(join(dir, "main.go"), 'package main\n\nfunc main() { println("one") }\n');
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(cacheDir, { recursive: true, force: true });
  });

  it("builds once per content and rebuilds when a source changes", async () => {
    const first = await build(dir);
    expect(basename(first.path)).to.match(new RegExp(`^${NAME}-[0-9a-f]{16}$`));
    expect(first.path.startsWith(join(cacheDir, "bin") + "/"), first.path).to.equal(true);
    expect(first.log).to.include("built");
    const { stdout } = await run(first.path);
    expect(stdout + "").to.equal("");

    const again = await build(dir);
    expect(again.path).to.equal(first.path);
    expect(again.log).to.equal("");

    await writeFile(join(dir, "main.go"), 'package main\n\nfunc main() { println("two") }\n');
    const changed = await build(dir);
    expect(changed.path).not.to.equal(first.path);
    // The cache is shared by every clone on the machine: the other build stays for a clone at that
    // revision (pruned once it is a week old).
    expect(existsSync(first.path), "the other build is kept").to.equal(true);
    expect(existsSync(changed.path)).to.equal(true);
  });

  it("explains a directory that is not a Go module", async () => {
    const error = await build(tmpdir()).then(
      () => undefined,
      (e: { stderr: string }) => e.stderr,
    );
    expect(error).to.include("expected a Go module in");
  });
});
