import { expect } from "chai";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENVOY_NOT_FOUND, envoyVersion, findEnvoy } from "./envoy-binary.ts";

describe("findEnvoy", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "xdsc-envoy-binary-test-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function executable(path: string): Promise<string> {
    await mkdir(join(path, ".."), { recursive: true });
    await writeFile(path, "#!/bin/sh\necho 'envoy  version: 0123abcd/1.40.0/Clean/RELEASE/BoringSSL'\n");
    await chmod(path, 0o755);
    return path;
  }

  it("says how to get Envoy when there is none", () => {
    expect(() => findEnvoy({ env: { PATH: dir }, venv: join(dir, "no-venv") })).to.throw(ENVOY_NOT_FOUND);
    expect(ENVOY_NOT_FOUND).to.equal("Envoy not found: run npm run setup or set ENVOY_BIN");
  });

  it("rejects an ENVOY_BIN that is not executable, naming it", () => {
    expect(() => findEnvoy({ env: { ENVOY_BIN: join(dir, "missing") } })).to.throw(
      `ENVOY_BIN: expected an executable file, got "${join(dir, "missing")}"`,
    );
  });

  it("prefers ENVOY_BIN, then the venv's real binary over its wrapper script, then PATH", async () => {
    const fromEnv = await executable(join(dir, "custom", "envoy"));
    const wrapper = await executable(join(dir, "venv", "bin", "envoy"));
    const real = await executable(
      join(dir, "venv", "lib", "python3.11", "site-packages", "envoy", "_bin", "envoy"),
    );
    const onPath = await executable(join(dir, "path", "envoy"));
    const venv = join(dir, "venv");
    const env = { PATH: join(dir, "path") };
    expect(findEnvoy({ env: { ...env, ENVOY_BIN: fromEnv }, venv })).to.equal(fromEnv);
    expect(findEnvoy({ env, venv })).to.equal(real);
    await rm(real);
    expect(findEnvoy({ env, venv })).to.equal(wrapper);
    expect(findEnvoy({ env, venv: join(dir, "none") })).to.equal(onPath);
  });

  it("reads the version from envoy --version", async () => {
    expect(await envoyVersion(await executable(join(dir, "fake-envoy")))).to.equal("1.40.0");
    expect(await envoyVersion(findEnvoy())).to.match(/^1\.\d+\.\d+/);
  });
});
