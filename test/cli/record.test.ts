// `xdsc record` taps a live control plane ⇄ Envoy session and writes a fixture that `xdsc repro` replays.
import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadFixture } from "../../harness/fixtures/load.ts";
import { renderFixture } from "../../harness/fixtures/render.ts";
import { Stack } from "../../harness/scenario/stack.ts";
import { EnvoyProcess } from "../../harness/dataplanes/envoy-process.ts";
import { freePort } from "../../harness/util/free-port.ts";
import { projectPath } from "../../harness/util/paths.ts";
import { spawnXdsc, xdsc } from "./support.ts";

describe("xdsc record → xdsc repro", function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "xdsc-record-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("records a session through the tap and the fixture replays with exit 0", async () => {
    const fixture = loadFixture(projectPath("fixtures", "scenarios", "smoke.yaml"));
    await using stack = await Stack.start({
      variant: { transport: "sotw", mode: "ads" },
      backends: [{ name: "v1" }, { name: "v2" }],
      listeners: ["ingress"],
    });
    const rendered = renderFixture(fixture, stack.vars());
    await stack.apply(
      "v1",
      rendered.resources.map((r) => r.json),
    );
    const port = await freePort();
    const out = join(dir, "recorded.yaml");
    const rec = spawnXdsc([
      "record",
      "--upstream",
      stack.server.address,
      "--port",
      String(port),
      "--out",
      out,
      "--name",
      "smoke-recorded",
    ]);
    await new Promise<void>((resolve, reject) => {
      let seen = "";
      const timer = setTimeout(() => reject(new Error(`record did not start: ${seen}`)), 30_000);
      rec.stdout!.on("data", (b: Buffer) => {
        seen += b.toString();
        if (seen.includes("point the data plane at")) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const envoy = await new EnvoyProcess()
      .withNode(stack.node)
      .withXds({ ...stack.xdsConfig, address: `127.0.0.1:${port}` })
      .start();
    try {
      await envoy.waitForReady({ timeoutMs: 15_000 });
      await stack.server.waitForQuiescence(stack.node.id);
    } finally {
      await envoy.stop();
    }
    rec.kill("SIGINT");
    const r = await rec;
    expect(r.exitCode, String(r.stderr)).to.equal(130);
    expect(existsSync(out), String(r.stdout)).to.equal(true);
    const text = readFileSync(out, "utf8");
    expect(text).to.include("${backend.b1.port}").and.include("${listener.ingress.port}");
    const replayed = loadFixture(out);
    expect(replayed.resources.map((x) => x.name).sort()).to.deep.equal([
      "backend",
      "backend",
      "ingress",
      "ingress-routes",
    ]);
    const repro = await xdsc(["repro", out, "--out", join(dir, "replay")]);
    expect(repro.code, repro.stdout + repro.stderr).to.equal(0);
  });
});
