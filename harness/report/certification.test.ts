import { expect } from "chai";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import type { RunReport } from "../checks/types.ts";
import { hostEnvironment, writeCertification } from "./certification.ts";
import { TRICKY_REASON, syntheticReport } from "./synthetic-report.ts";

describe("report/certification", () => {
  let dir: string;
  let report: RunReport;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "xdsc-cert-"));
    report = await syntheticReport(dir);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("lists the cells and checks of the requested matrix that were left out as not applicable", async () => {
    const plain = parse(await readFile(await writeCertification(dir, report), "utf8"));
    expect(plain).not.to.have.any.keys("notApplicableCells", "notApplicableChecks");
    const cell = { cp: "reference", dp: "grpc-go", variant: "delta-ads", reason: "SotW over ADS only" };
    const check = { cp: "reference", dp: "grpc-go", variant: "sotw-ads", check: "x.y", reason: "Envoy only" };
    const gaps = { ...report, info: { ...report.info, notApplicable: [cell], checksNotApplicable: [check] } };
    const doc = parse(await readFile(await writeCertification(dir, gaps), "utf8"));
    expect(doc.notApplicableCells).to.deep.equal([cell]);
    expect(doc.notApplicableChecks).to.deep.equal([check]);
  });

  it("writes the run, cells, environment and summary counts", async () => {
    const doc = parse(await readFile(await writeCertification(dir, report), "utf8"));
    expect(doc).to.include({
      apiVersion: "xdsc/v1",
      kind: "Certification",
      runId: "20261125T110233Z-4f2a",
      interrupted: false,
    });
    expect(doc.tool).to.deep.equal({ name: "xds-conformance", version: "0.1.0" });
    expect(doc.finishedAt).to.equal("2026-11-25T11:09:12.000Z");
    expect(doc.environment).to.include({
      node: "v20.19.0",
      envoy: "1.31.2",
      go: "go1.23.4",
      kubeProxyMode: "nftables",
    });
    expect(doc.summary).to.deep.equal({ pass: 5, fail: 2, inconclusive: 1, skipped: 2 });
    expect(doc.cells).to.have.length(2);
    expect(doc.cells[1]).to.deep.include({
      key: "go-control-plane--envoy--delta-ads",
      cp: { name: "go-control-plane", version: "v0.13.4" },
      dp: { name: "envoy", version: "1.31.2" },
      variant: "delta-ads",
      summary: { pass: 3, fail: 1, inconclusive: 0, skipped: 1 },
    });
  });

  it("lists every result with its verdict, reason and evidence hashes that match the files", async () => {
    const doc = parse(await readFile(await writeCertification(dir, report), "utf8"));
    expect(doc.results).to.have.length(10);
    const failed = doc.results.find(
      (r: { verdict: string; cp: string }) => r.verdict === "fail" && r.cp === "go-control-plane",
    );
    expect(failed).to.include({
      id: "ordering.cds-before-eds",
      suite: "ordering",
      role: "control-plane",
      dp: "envoy",
      variant: "delta-ads",
      reason: TRICKY_REASON,
      durationMs: 1500,
    });
    for (const r of doc.results) {
      for (const e of r.evidence) {
        const bytes = await readFile(join(dir, e.path));
        expect(createHash("sha256").update(bytes).digest("hex"), e.path).to.equal(e.sha256);
      }
    }
    const skipped = doc.results.filter((r: { verdict: string }) => r.verdict === "skipped");
    expect(skipped.map((r: { reason: string }) => r.reason)).to.deep.equal([
      "kernel lacks IPVS",
      "kernel lacks IPVS",
    ]);
  });

  it("marks an interrupted run and leaves out the finish time it does not have", async () => {
    const partial = {
      info: { ...report.info, interrupted: true, finishedAt: undefined },
      results: report.results.slice(0, 3),
    };
    const doc = parse(await readFile(await writeCertification(dir, partial), "utf8"));
    expect(doc.interrupted).to.equal(true);
    expect(doc).not.to.have.property("finishedAt");
    expect(doc.summary).to.deep.equal({ pass: 2, fail: 0, inconclusive: 1, skipped: 0 });
  });

  it("describes the host: node, kernel, platform", () => {
    expect(hostEnvironment()).to.have.keys("node", "kernel", "platform");
  });
});
