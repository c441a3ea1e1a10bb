import { expect } from "chai";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestResult } from "allure-js-commons";
import type { RunReport } from "../checks/types.ts";
import { ALLURE_DIR, writeAllureResults } from "./allure.ts";
import { syntheticReport } from "./synthetic-report.ts";

async function readResults(dir: string): Promise<TestResult[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith("-result.json"));
  return Promise.all(files.map(async (f) => JSON.parse(await readFile(join(dir, f), "utf8")) as TestResult));
}

describe("report/allure", () => {
  let runDir: string;
  let report: RunReport;
  let results: TestResult[];
  before(async () => {
    runDir = await mkdtemp(join(tmpdir(), "xdsc-allure-"));
    report = await syntheticReport(runDir);
    await writeAllureResults(runDir, report);
    results = await readResults(join(runDir, ALLURE_DIR));
  });
  after(async () => {
    await rm(runDir, { recursive: true, force: true });
  });

  it("writes one result per check result, named <uuid>-result.json, with mapped statuses", () => {
    expect(results).to.have.length(10);
    const statuses = results.map((r) => r.status as string).sort();
    expect(statuses).to.deep.equal([
      "broken",
      "failed",
      "failed",
      "passed",
      "passed",
      "passed",
      "passed",
      "passed",
      "skipped",
      "skipped",
    ]);
    expect(new Set(results.map((r) => r.historyId)).size).to.equal(10);
  });

  it("labels results by cell, suite, feature, role and severity and links the spec", () => {
    const r = results.find(
      (x) => x.fullName === "go-control-plane--envoy--delta-ads/ordering/ordering.cds-before-eds",
    )!;
    expect(r.name).to.equal(
      "ordering.cds-before-eds: A cluster is sent before the endpoints that belong to it",
    );
    expect(r.status).to.equal("failed");
    expect(r.statusDetails.message).to.contain("got EDS <v2>");
    expect(r.statusDetails.trace).to.contain("#2 CDS v2 backend");
    const labels = Object.fromEntries(r.labels.map((l) => [l.name, l.value]));
    expect(labels).to.include({
      parentSuite: "go-control-plane × envoy (delta-ads)",
      suite: "ordering",
      feature: "ordering",
      tag: "control-plane",
      severity: "normal",
    });
    expect(r.links[0]!.url).to.equal(
      "https://www.envoyproxy.io/docs/envoy/latest/api-docs/xds_protocol#eventual-consistency-considerations",
    );
    expect(r.stop! - r.start!).to.equal(1500);
  });

  it("copies evidence as attachments with the evidence's content", async () => {
    const r = results.find(
      (x) => x.fullName === "reference--envoy--sotw-ads/protocol/protocol.nack-keeps-version",
    )!;
    expect(r.attachments.map((a) => [a.name, a.type])).to.deep.equal([
      ["nack log", "text/plain"],
      ["config dump", "application/json"],
    ]);
    expect(r.attachments[0]!.source).to.match(/^[0-9a-f-]{36}-attachment\.txt$/);
    const copied = await readFile(join(runDir, ALLURE_DIR, r.attachments[1]!.source), "utf8");
    const original = report.results.find(
      (x) => x.id === "protocol.nack-keeps-version" && x.cp === "reference",
    )!.evidence[1]!;
    expect(copied).to.equal(await readFile(join(runDir, original.path), "utf8"));
  });

  it("writes environment.properties, executor.json and categories.json", async () => {
    const dir = join(runDir, ALLURE_DIR);
    const props = await readFile(join(dir, "environment.properties"), "utf8");
    expect(props).to.contain("xdsc.runId=20261125T110233Z-4f2a\n");
    expect(props).to.contain("kubeProxyMode=nftables\n");
    expect(props).to.contain("cell.1=go-control-plane v0.13.4 \\u00d7 envoy 1.31.2 (delta-ads)\n");
    const executor = JSON.parse(await readFile(join(dir, "executor.json"), "utf8"));
    expect(executor).to.include({ name: "xdsc", buildName: "20261125T110233Z-4f2a" });
    const categories = JSON.parse(await readFile(join(dir, "categories.json"), "utf8"));
    expect(categories[1].matchedStatuses).to.deep.equal(["broken"]);
  });

  it("rewrites the same files when written again (stable uuids)", async () => {
    const before = (await readdir(join(runDir, ALLURE_DIR))).sort();
    await writeAllureResults(runDir, report);
    expect((await readdir(join(runDir, ALLURE_DIR))).sort()).to.deep.equal(before);
  });
});
