// `xdsc certify --cp external`: a control plane the harness does not run, reached through the adapter API
// at the addresses given on the command line. Here the reference server plays the vendor's control plane,
// started by the test behind startAdapterServer(referenceAdapter(...)), as a Node implementation would be.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { referenceAdapter, startAdapterServer } from "../../harness/controlplanes/adapter-server.ts";
import { REFERENCE_NAME, REFERENCE_VERSION } from "../../harness/controlplanes/reference.ts";
import { ReferenceServer } from "../../harness/xds/server.ts";
import { xdsc } from "./support.ts";

describe("xdsc certify --cp external", function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "xdsc-external-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /**
   * The reference server behind the adapter API (as a vendor's CP would be), `certify --cp external
   * --dp envoy --suite smoke` against it with `variants`; returns the run's output dir.
   */
  async function certifyExternal(variants: string, features?: string[]): Promise<string> {
    const server = await new ReferenceServer().start();
    const impl = referenceAdapter(server);
    const info = features ? { ...impl.info, features } : impl.info;
    const adapter = await startAdapterServer({ ...impl, info }).catch(async (e: Error) => {
      await server.stop();
      throw e;
    });
    try {
      const out = join(dir, "run");
      const r = await xdsc([
        "certify",
        ...["--cp", "external", "--dp", "envoy", "--suite", "smoke", "--variant", variants],
        ...["--external-xds", server.address, "--external-adapter", adapter.address, "--out", out],
      ]);
      expect(r.code, r.stderr).to.equal(0);
      return out;
    } finally {
      await adapter.stop();
      await server.stop();
    }
  }

  it("certifies an adapter-API control plane at --external-xds/--external-adapter on smoke × sotw-ads", async () => {
    const out = await certifyExternal("sotw-ads");
    const cert = parseYaml(readFileSync(join(out, "certification.yaml"), "utf8"));
    expect(cert.summary).to.deep.include({ pass: 2, fail: 0, inconclusive: 0, skipped: 0 });
    expect(cert.results.map((x: { id: string }) => x.id).sort()).to.deep.equal([
      "smoke.config-acked",
      "smoke.traffic-reaches-endpoints",
    ]);
    expect(cert.results.every((x: { cp: string }) => x.cp === "external")).to.equal(true);
    // The cell names what the control plane said it is (GetInfo), not "unknown".
    expect(cert.cells[0].cp.name).to.equal("external");
    expect(cert.cells[0].cp.version).to.match(new RegExp(`^${REFERENCE_NAME} `));
  });

  it("leaves out the variants whose features GetInfo does not list, and the report says why", async () => {
    const out = await certifyExternal("sotw-ads,delta-ads", ["sotw", "ads"]);
    const cert = parseYaml(readFileSync(join(out, "certification.yaml"), "utf8"));
    expect(cert.results.map((x: { variant: string }) => x.variant)).to.deep.equal(["sotw-ads", "sotw-ads"]);
    const summary = readFileSync(join(out, "summary.md"), "utf8");
    expect(summary).to.contain(
      `- external × envoy (delta-ads): control plane "external" (${REFERENCE_NAME} ${REFERENCE_VERSION}) does not list "delta" in its GetInfo features \\[sotw, ads\\]`,
    );
  });

  it("without addresses, reports the external cells skipped with the flags that are missing", async () => {
    const out = join(dir, "run");
    const r = await xdsc([
      "certify",
      "--cp",
      "external",
      "--suite",
      "smoke",
      "--variant",
      "sotw-ads",
      "--out",
      out,
    ]);
    expect(r.code, r.stderr).to.equal(0);
    const cert = parseYaml(readFileSync(join(out, "certification.yaml"), "utf8"));
    expect(cert.summary.pass).to.equal(0);
    expect(cert.summary.skipped).to.be.greaterThan(0);
    for (const x of cert.results as { verdict: string; reason: string }[]) {
      expect(x.verdict).to.equal("skipped");
      expect(x.reason).to.include("--external-xds HOST:PORT --external-adapter HOST:PORT");
    }
  });

  it("refuses one address without the other, and a malformed address, with exit 2", async () => {
    const half = await xdsc(["certify", "--cp", "external", "--external-xds", "127.0.0.1:1"]);
    expect(half.code).to.equal(2);
    expect(half.stderr).to.match(/--external-adapter: expected HOST:PORT with --external-xds, got none/);
    const bad = await xdsc(["certify", "--external-xds", "localhost", "--external-adapter", "127.0.0.1:1"]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.match(/--external-xds: expected HOST:PORT, got "localhost"/);
  });
});
