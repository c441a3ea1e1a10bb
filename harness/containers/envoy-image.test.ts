import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { appendFile, copyFile, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { ensureDockerEngine, MANAGED_LABEL } from "./docker-engine.ts";
import { ensureEnvoyImage, findEnvoyBinary, sharedLibraries } from "./envoy-image.ts";

async function buildDirs(): Promise<string[]> {
  return (await readdir(tmpdir())).filter((name) => name.startsWith(`xdsc-envoy-image-${process.pid}-`));
}

describe("envoy image", function () {
  this.timeout(120_000);
  let fakeDir = "";
  let fakeTag = "";

  before(async function () {
    this.timeout(200_000);
    await ensureDockerEngine();
  });

  after(async () => {
    if (fakeTag) await execa("docker", ["image", "rm", "--force", fakeTag], { reject: false });
    if (fakeDir) await rm(fakeDir, { recursive: true, force: true });
  });

  it("lists the loader and libc among Envoy's shared libraries", async () => {
    const libraries = await sharedLibraries(findEnvoyBinary());
    expect(libraries.some((path) => /\/ld-linux[^/]*\.so/.test(path))).to.equal(true);
    expect(libraries.some((path) => path.endsWith("/libc.so.6"))).to.equal(true);
  });

  // A stand-in binary (true(1) plus random trailing bytes, which ELF ignores) gives a tag of its own, so the
  // build path runs every time without removing the real Envoy image that other tests may be using.
  it("builds once, then finds the image by its content hash", async () => {
    fakeDir = await mkdtemp(join(tmpdir(), "xdsc-fake-envoy-"));
    const fake = join(fakeDir, "envoy");
    await copyFile("/usr/bin/true", fake);
    await appendFile(fake, randomBytes(16));
    const dirsBefore = new Set(await buildDirs());

    const first = await ensureEnvoyImage(fake);
    fakeTag = first.tag;
    const second = await ensureEnvoyImage(fake);

    expect(first).to.deep.include({ built: true });
    expect(second).to.deep.equal({ tag: first.tag, built: false });
    expect(first.tag).to.match(/^xdsc\/envoy:[0-9a-f]{16}$/);
    const leftover = (await buildDirs()).filter((dir) => !dirsBefore.has(dir));
    expect(leftover, "temp build dirs left behind").to.deep.equal([]);
    const label = await execa("docker", [
      "image",
      "inspect",
      "--format",
      `{{index .Config.Labels "${MANAGED_LABEL}"}}`,
      first.tag,
    ]);
    expect(label.stdout.trim()).to.equal("true");
    const run = await execa("docker", ["run", "--rm", "--network", "none", first.tag, "envoy"], {
      reject: false,
    });
    expect(run.exitCode, run.stderr).to.equal(0);
  });

  it("runs the real Envoy, also in a privileged container", async () => {
    const { tag } = await ensureEnvoyImage();
    for (const flags of [[], ["--privileged"]]) {
      const run = await execa(
        "docker",
        ["run", "--rm", "--network", "none", ...flags, tag, "envoy", "--version"],
        {
          reject: false,
        },
      );
      expect(run.exitCode, `docker run ${flags.join(" ")}: ${run.stderr}`).to.equal(0);
      expect(run.stdout).to.match(/envoy\s+version:/);
    }
  });
});
