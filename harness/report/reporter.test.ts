import { expect } from "chai";
import { XMLParser } from "fast-xml-parser";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import type { RunReport } from "../checks/types.ts";
import { ProgressReporter, ReportWriter, combineReporters, type CheckStart } from "./reporter.ts";
import { syntheticReport } from "./synthetic-report.ts";

async function readCertification(writer: ReportWriter): Promise<any> {
  return parse(await readFile(writer.paths.certification, "utf8"));
}

describe("report/reporter", () => {
  let runDir: string;
  let report: RunReport;
  beforeEach(async () => {
    runDir = await mkdtemp(join(tmpdir(), "xdsc-reporter-"));
    report = await syntheticReport(runDir);
  });
  afterEach(async () => {
    await rm(runDir, { recursive: true, force: true });
  });

  it("keeps a valid partial report after every result, marked interrupted until onEnd", async () => {
    const writer = new ReportWriter(runDir);
    const { finishedAt: _f, ...startInfo } = report.info;
    await writer.onBegin(startInfo, report.results.length);
    expect(await readCertification(writer)).to.include({ interrupted: true });
    await writer.onCheckEnd(report.results[0]!);
    await writer.onCheckEnd(report.results[2]!);
    const partial = await readCertification(writer);
    expect(partial.interrupted).to.equal(true);
    expect(partial.summary).to.deep.equal({ pass: 1, fail: 0, inconclusive: 1, skipped: 0 });
    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(
      await readFile(writer.paths.junit, "utf8"),
    );
    expect(junit.testsuites.tests).to.equal("2");
    expect(await readFile(writer.paths.summary, "utf8")).to.contain("Partial report");
    const allure = await readdir(writer.paths.allure);
    expect(allure.filter((f) => f.endsWith("-result.json"))).to.have.length(2);
    expect(allure).to.include.members(["environment.properties", "executor.json"]);

    await writer.onEnd(report);
    const final = await readCertification(writer);
    expect(final).to.include({ interrupted: false, finishedAt: report.info.finishedAt });
    expect(final.results).to.have.length(10);
    expect(await readFile(writer.paths.summary, "utf8")).not.to.contain("Partial report");
    expect((await readdir(writer.paths.allure)).filter((f) => f.endsWith("-result.json"))).to.have.length(10);
  });

  it("records an interrupted run as interrupted in the final report", async () => {
    const writer = new ReportWriter(runDir);
    await writer.onBegin(report.info, 10);
    await writer.onCheckEnd(report.results[0]!);
    await writer.onEnd({ info: { ...report.info, interrupted: true }, results: report.results.slice(0, 1) });
    const doc = await readCertification(writer);
    expect(doc.interrupted).to.equal(true);
    expect(doc.results).to.have.length(1);
  });

  it("serializes writes when hooks are not awaited, and refuses results before onBegin", async () => {
    const early = new ReportWriter(runDir);
    const err = await early.onCheckEnd(report.results[0]!).catch((e: Error) => e);
    expect(String(err)).to.contain(
      "ReportWriter: expected onBegin before onCheckEnd, got result ordering.cds-before-eds first",
    );
    const writer = new ReportWriter(runDir);
    void writer.onBegin(report.info, 10);
    for (const r of report.results) void writer.onCheckEnd(r);
    await writer.flush();
    expect((await readCertification(writer)).results).to.have.length(10);
  });

  it("tells every reporter even when one throws", async () => {
    const calls: string[] = [];
    const combined = combineReporters(
      { onCheckEnd: () => Promise.reject(new Error("disk full")) },
      { onCheckEnd: (r) => void calls.push(r.id) },
      {},
    );
    const err = await combined.onCheckEnd(report.results[0]!).catch((e: Error) => e);
    expect(String(err)).to.contain("disk full");
    expect(calls).to.deep.equal(["ordering.cds-before-eds"]);
    await combined.onBegin(report.info, 1);
  });
});

describe("report/progress-reporter", () => {
  const check: CheckStart = {
    id: "ordering.cds-before-eds",
    suite: "ordering",
    title: "t",
    cp: "reference",
    dp: "envoy",
    variant: "sotw-ads",
  };
  const info = {
    runId: "r1",
    toolVersion: "0.1.0",
    startedAt: "2026-01-01T00:00:00Z",
    cells: [],
    environment: {},
  };
  const result = (verdict: "pass" | "fail") => ({
    ...check,
    spec: "s",
    role: "control-plane" as const,
    verdict,
    durationMs: 1200,
    startedAt: "",
    evidence: [],
    ...(verdict === "fail" ? { reason: "boom" } : {}),
  });

  it("prints plain lines when not on a TTY", () => {
    let out = "";
    const progress = new ProgressReporter({ stream: { write: (t: string) => (out += t) }, tty: false });
    progress.onBegin(info, 2);
    progress.onCheckBegin(check);
    progress.onCheckPhase(check, "waiting for ACK of v2");
    progress.onCheckEnd(result("pass"));
    progress.onEnd({ info, results: [result("pass")] });
    expect(out.split("\n")).to.deep.equal([
      "xdsc run r1: 2 checks in 0 cells",
      "[1/2] reference × envoy (sotw-ads) ordering.cds-before-eds running",
      "[1/2] reference × envoy (sotw-ads) ordering.cds-before-eds waiting for ACK of v2",
      "✅ [1/2] reference × envoy (sotw-ads) ordering.cds-before-eds pass (1.2 s)",
      "xdsc run r1: 1 pass, 0 fail, 0 inconclusive, 0 skipped",
      "",
    ]);
    expect(out).not.to.contain("\r");
  });

  it("rewrites one line on a TTY, truncated to the width, and keeps failures on screen", () => {
    let out = "";
    const progress = new ProgressReporter({
      stream: { write: (t: string) => (out += t), isTTY: true, columns: 40 },
    });
    progress.onBegin(info, 2);
    progress.onCheckBegin(check);
    progress.onCheckPhase(check, "sampling 800/5000");
    const live = out.split("\r\x1b[2K").at(-1)!;
    expect(live).to.equal("[1/2] reference × envoy (sotw-ads) ord…");
    expect([...live]).to.have.length(39);
    progress.onCheckEnd(result("pass"));
    progress.onCheckBegin(check);
    progress.onCheckEnd(result("fail"));
    expect(out).not.to.contain("pass (1.2 s)");
    expect(out).to.contain(
      "\r\x1b[2K❌ [2/2] reference × envoy (sotw-ads) ordering.cds-before-eds fail (1.2 s): boom\n",
    );
  });
});
