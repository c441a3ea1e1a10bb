import { expect } from "chai";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunReport } from "../checks/types.ts";
import { renderJunit, xmlAttr } from "./junit.ts";
import { TRICKY_REASON, syntheticReport } from "./synthetic-report.ts";

type Node = Record<string, any>;
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseAttributeValue: false,
  parseTagValue: false,
  isArray: (name) => ["testsuite", "testcase", "property"].includes(name),
});

describe("report/junit", () => {
  let dir: string;
  let report: RunReport;
  let xml: string;
  let suites: Node[];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "xdsc-junit-"));
    report = await syntheticReport(dir);
    xml = renderJunit(report);
    suites = parser.parse(xml).testsuites.testsuite;
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("is well-formed XML with run totals", () => {
    expect(XMLValidator.validate(xml)).to.equal(true);
    const root = parser.parse(xml).testsuites;
    expect(root).to.include({
      name: "xdsc 20261125T110233Z-4f2a",
      tests: "10",
      failures: "3",
      errors: "0",
      skipped: "2",
      time: "15.000",
    });
  });

  it("has one testsuite per (cell, suite) with its own counts and the implementations' versions", () => {
    expect(suites.map((s) => s.name)).to.deep.equal([
      "ordering · reference × envoy (sotw-ads)",
      "traffic-split · reference × envoy (sotw-ads)",
      "parity · reference × envoy (sotw-ads)",
      "protocol · reference × envoy (sotw-ads)",
      "ordering · go-control-plane × envoy (delta-ads)",
      "traffic-split · go-control-plane × envoy (delta-ads)",
      "parity · go-control-plane × envoy (delta-ads)",
      "protocol · go-control-plane × envoy (delta-ads)",
    ]);
    expect(suites[4]).to.include({ tests: "2", failures: "1", skipped: "0", time: "3.000" });
    expect(suites[4]!.properties.property).to.deep.equal([
      { name: "cp", value: "go-control-plane v0.13.4" },
      { name: "dp", value: "envoy 1.31.2" },
      { name: "variant", value: "delta-ads" },
    ]);
  });

  it("names testcases <suite>.<cell> / <id>: <title> and maps verdicts to failure and skipped", () => {
    const cases = suites.flatMap((s) => s.testcase as Node[]);
    expect(cases).to.have.length(10);
    expect(cases[0]).to.deep.equal({
      classname: "ordering.reference--envoy--sotw-ads",
      name: "ordering.cds-before-eds: A cluster is sent before the endpoints that belong to it",
      time: "1.500",
    });
    const inconclusive = cases.find((c) => c.failure?.type === "inconclusive")!;
    expect(inconclusive.failure.message).to.equal("SPRT reached the sample cap of 5000 without a decision");
    expect(inconclusive.failure["#text"]).to.contain("samples=5000");
    expect(cases.filter((c) => c.failure?.type === "fail")).to.have.length(2);
    expect(cases.filter((c) => c.skipped).map((c) => c.skipped.message)).to.deep.equal([
      "kernel lacks IPVS",
      "kernel lacks IPVS",
    ]);
  });

  it("escapes markup and quotes, keeps non-ASCII and strips control characters", () => {
    const cases = suites.flatMap((s) => s.testcase as Node[]);
    const failure = cases.find(
      (c) => c.classname === "ordering.go-control-plane--envoy--delta-ads" && c.failure,
    )!.failure;
    const printable = TRICKY_REASON.replace(/[\u0007\u001b]/g, "");
    expect(failure.message).to.equal(printable);
    expect(failure["#text"]).to.contain(printable);
    expect(failure["#text"]).to.contain("#2 CDS v2 backend   <- too late");
    expect(xml).not.to.match(/[\u0007\u001b]/);
  });

  it("keeps line breaks in attributes as character references", () => {
    expect(xmlAttr("a\nb\t\"c\" 'd' <e> & \u0000\uD800")).to.equal(
      "a&#10;b&#9;&quot;c&quot; &apos;d&apos; &lt;e&gt; &amp; ",
    );
    const multi = structuredClone(report);
    multi.results[1]!.verdict = "fail";
    multi.results[1]!.reason = "line one\nline two";
    const parsed = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: "",
      htmlEntities: true,
    }).parse(renderJunit(multi));
    const failure = parsed.testsuites.testsuite[0].testcase[1].failure;
    expect(failure.message).to.equal("line one\nline two");
  });
});
