// scripts/build-go.sh, on a tiny module (the grpc-go client itself is built by test/e2e/proxyless.test.ts):
// builds into .cache/bin/<name>-<hash>, reuses an unchanged module and rebuilds a changed one.
import { expect } from "chai";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import { projectPath } from "../util/paths.ts";

const run = promisify(execFile);
const NAME = `xdsc-build-go-test-${process.pid}`;

async function build(dir: string): Promise<{ path: string; log: string }> {
  const { stdout, stderr } = await run("bash", [projectPath("scripts", "build-go.sh"), dir, NAME]);
  return { path: stdout.trim(), log: stderr };
}

describe("scripts/build-go.sh", function () {
  this.timeout(30_000);
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "xdsc-build-go-"));
    await writeFile(join(dir, "go.mod"), "module example.com/hello\n\ngo 1.22\n");
    await writeFile(join(dir, "main.go"), 'package main\n\nfunc main() { println("one") }\n');
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
    for (const f of await readdir(projectPath(".cache", "bin")).catch(() => [] as string[]))
      if (f.startsWith(NAME) || f === `.${NAME}.lock`)
        await rm(projectPath(".cache", "bin", f), { force: true });
  });

  it("builds once per content and rebuilds when a source changes", async () => {
    const first = await build(dir);
    expect(basename(first.path)).to.match(new RegExp(`^${NAME}-[0-9a-f]{16}$`));
    expect(first.log).to.include("built");
    const { stdout } = await run(first.path);
    expect(stdout + "").to.equal("");

    const again = await build(dir);
    expect(again.path).to.equal(first.path);
    expect(again.log).to.equal("");

    await writeFile(join(dir, "main.go"), 'package main\n\nfunc main() { println("two") }\n');
    const changed = await build(dir);
    expect(changed.path).not.to.equal(first.path);
    expect(existsSync(first.path), "the stale binary is pruned").to.equal(false);
  });

  it("explains a directory that is not a Go module", async () => {
    const error = await build(tmpdir()).then(
      () => undefined,
      (e: { stderr: string }) => e.stderr,
    );
    expect(error).to.include("expected a Go module in");
  });
});
