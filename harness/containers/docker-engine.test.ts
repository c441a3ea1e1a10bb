import { expect } from "chai";
import { dockerAvailable, ensureDockerEngine } from "./docker-engine.ts";

describe("docker engine", function () {
  // A cold machine installs docker.io from Debian's packages first (~10 s here, longer on a slow mirror).
  this.timeout(200_000);

  it("starts or finds an engine and reports its version", async () => {
    const { version } = await ensureDockerEngine();
    expect(version).to.match(/^\d+\.\d+/);
    expect(process.env.TESTCONTAINERS_RYUK_DISABLED).to.equal("true");
  });

  it("is fast and idempotent once the engine runs", async function () {
    this.timeout(15_000);
    const first = await ensureDockerEngine();
    const second = await ensureDockerEngine();
    expect(second.version).to.equal(first.version);
  });

  it("dockerAvailable answers without starting anything", async () => {
    await ensureDockerEngine();
    const status = await dockerAvailable();
    expect(status.available, JSON.stringify(status)).to.equal(true);
  });
});
