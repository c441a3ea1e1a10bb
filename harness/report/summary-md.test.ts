import { expect } from "chai";
import { access, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunReport } from "../checks/types.ts";
import { CLIENT_CONSTRAINTS_EVIDENCE, renderSummaryMarkdown } from "./summary-md.ts";
import { syntheticReport } from "./synthetic-report.ts";

function section(md: string, heading: string): string {
  const start = md.indexOf(`\n## ${heading}\n`);
  expect(start, `section "${heading}"`).to.be.greaterThan(-1);
  const next = md.indexOf("\n## ", start + 1);
  return md.slice(start, next === -1 ? undefined : next);
}

describe("report/summary-md", () => {
  let dir: string;
  let report: RunReport;
  let md: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "xdsc-summary-"));
    report = await syntheticReport(dir);
    md = renderSummaryMarkdown(report);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("starts with the run id and the verdict counts", () => {
    expect(md.split("\n")[0]).to.equal("# xdsc certification run 20261125T110233Z-4f2a");
    expect(md).to.contain("**✅ 5 pass · ❌ 2 fail · ❔ 1 inconclusive · ⏭ 2 skipped** (10 results)");
    expect(md).to.contain(
      "| reference × envoy (sotw-ads) | reference 0.1.0 | envoy 1.31.2 | 2 | 1 | 1 | 1 |",
    );
    expect(md).not.to.contain("Partial report");
  });

  it("lists the requested cells that are not applicable, with the reason", () => {
    expect(md).not.to.contain("not applicable (left out)");
    const withGaps = renderSummaryMarkdown({
      ...report,
      info: {
        ...report.info,
        notApplicable: [
          { cp: "reference", dp: "grpc-js", variant: "delta-ads", reason: "speaks SotW over ADS only" },
        ],
      },
    });
    expect(withGaps).to.contain("Cells of the requested matrix that are not applicable (left out):");
    expect(withGaps).to.contain("- reference × grpc-js (delta-ads): speaks SotW over ADS only");
  });

  it("lists the checks a cell's kind does not apply to, grouped by reason", () => {
    expect(md).not.to.contain("Checks that do not apply to a cell");
    const reason = 'data plane "grpc-js" has no Envoy admin API';
    const cell = { cp: "reference", dp: "grpc-js", variant: "sotw-ads", reason };
    const withGaps = renderSummaryMarkdown({
      ...report,
      info: {
        ...report.info,
        checksNotApplicable: [
          { ...cell, check: "protocol.dp-rds-follows-lds" },
          { ...cell, check: "protocol.dp-eds-follows-cds" },
        ],
      },
    });
    expect(withGaps).to.contain("Checks that do not apply to a cell (left out, with why):");
    expect(withGaps).to.contain(
      '- reference × grpc-js (sotw-ads): data plane "grpc-js" has no Envoy admin API: `protocol.dp-rds-follows-lds`, `protocol.dp-eds-follows-cds`',
    );
  });

  it("has one table per suite, rows checks and columns cells", () => {
    const ordering = section(md, "ordering");
    expect(ordering).to.contain(
      "| check | reference × envoy (sotw-ads) | go-control-plane × envoy (delta-ads) |",
    );
    expect(ordering).to.contain(
      "| `ordering.cds-before-eds` A cluster is sent before the endpoints that belong to it | ✅ | ❌ |",
    );
    expect(ordering).to.contain(
      "| `ordering.lds-before-rds` A listener is sent before its route configuration | ✅ | ✅ |",
    );
    expect(section(md, "traffic-split")).to.contain("| ❔ | ✅ |");
    expect(section(md, "parity")).to.contain("| ⏭ | ⏭ |");
  });

  it("explains each failure with its reason, fenced excerpts and links to evidence files", async () => {
    const failures = section(md, "Failures");
    expect(failures).to.contain("### ❌ `ordering.cds-before-eds` on go-control-plane × envoy (delta-ads)");
    // Reasons are literal text: no HTML tags, no terminal escapes.
    expect(failures).to.contain(
      `**Reason:** expected CDS "backend" before EDS, got EDS \\<v2\\> & then CDS 'backend' — naïve ✓ 日本\\[0m end`,
    );
    expect(failures).to.contain("(spec: [discovery.proto](https://github.com/envoyproxy/");
    expect(failures).to.contain("```\n#1 EDS v2 backend\n#2 CDS v2 backend   <- too late\n```");
    // The excerpt contains a ``` run, so the fence around it must be longer.
    expect(failures).to.contain("````\nversion_info: 1\nerror_detail: bad | thing ``` x\n````");
    const links = [...failures.matchAll(/\]\(([^)]+)\)/g)]
      .map((m) => m[1]!)
      .filter((l) => !l.startsWith("https:"));
    expect(links).to.have.length(3);
    for (const link of links) await access(join(dir, decodeURIComponent(link)));
    expect(section(md, "Inconclusive")).to.contain("SPRT reached the sample cap of 5000 without a decision");
  });

  it("lists skipped checks with their reasons", () => {
    expect(section(md, "Skipped")).to.contain(
      "- `parity.ipvs-distribution` on reference × envoy (sotw-ads): kernel lacks IPVS",
    );
  });

  it("says when the report is partial", () => {
    const partial = renderSummaryMarkdown({ info: { ...report.info, interrupted: true }, results: [] });
    expect(partial).to.contain("Partial report");
    expect(partial).to.contain("(0 results)");
  });

  it("lists the client constraints recorded for proxyless cells, once per cell", () => {
    expect(md).not.to.contain("## Client constraints");
    const constraints = {
      label: CLIENT_CONSTRAINTS_EVIDENCE,
      path: "evidence/reference--grpc-js--sotw-ads/smoke.config-acked/client-constraints.jsonl",
      sha256: "0".repeat(64),
      excerpt:
        "[grpc] ADS with state-of-the-world streams only\n[grpc-js] bootstrap node has a locality (may be {})",
    };
    const result = (id: string) => ({
      id,
      suite: "smoke" as const,
      title: id,
      spec: "",
      role: "both" as const,
      cp: "reference",
      dp: "grpc-js",
      variant: "sotw-ads",
      verdict: "pass" as const,
      durationMs: 1,
      startedAt: report.info.startedAt,
      evidence: [constraints],
    });
    const proxyless = renderSummaryMarkdown({
      info: report.info,
      results: [result("smoke.config-acked"), result("smoke.rpcs-reach-endpoints")],
    });
    const listed = section(proxyless, "Client constraints");
    expect(listed).to.contain(
      "- **reference × grpc-js (sotw-ads)** ([why each applies](evidence/reference--grpc-js--sotw-ads/smoke.config-acked/client-constraints.jsonl)):",
    );
    expect(listed).to.contain("  - \\[grpc-js\\] bootstrap node has a locality (may be {})");
    expect(listed.match(/\*\*reference × grpc-js/g)).to.have.length(1);
  });
});
