// `xdsc certify`, `report` and `repro` end to end, as a user runs them: every report form, a JUnit file a
// real JUnit parser reads, Allure HTML, Ctrl-C keeping the partial report and leaving no process, and a
// repro that reproduces (exit 1) until its control-plane behaviour is fixed (exit 0).
import { expect } from "chai";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseJunit } from "junit2json";
import { parse as parseYaml } from "yaml";
import { spawnXdsc, xdsc } from "./support.ts";

/** Processes (any, not just Envoy) that inherited this marker from the xdsc run under test. */
const markedProcesses = (marker: string) =>
  readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/environ`, "utf8").split("\0").includes(`XDSC_TEST_MARKER=${marker}`);
      } catch {
        return false;
      }
    });

describe("xdsc certify / report / repro", function () {
  this.timeout(180_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "xdsc-certify-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("writes every report form; junit.xml parses; xdsc report renders Allure HTML", async () => {
    const out = join(dir, "run");
    const r = await xdsc(["certify", "--suite", "smoke", "--variant", "sotw-ads,delta-ads", "--out", out]);
    expect(r.code, r.stderr).to.equal(0);
    for (const f of ["certification.yaml", "summary.md", "junit.xml", "allure-results"])
      expect(existsSync(join(out, f)), f).to.equal(true);
    const cert = parseYaml(readFileSync(join(out, "certification.yaml"), "utf8"));
    expect(cert.summary).to.deep.include({ pass: 4, fail: 0, inconclusive: 0, skipped: 0 });
    expect(cert.results[0]).to.include.keys(
      "id",
      "suite",
      "role",
      "cp",
      "dp",
      "verdict",
      "durationMs",
      "evidence",
    );
    expect(cert.environment.envoy).to.match(/^1\.\d+\.\d+/);
    const junit = (await parseJunit(readFileSync(join(out, "junit.xml"), "utf8"))) as any;
    const cases = junit.testsuite.flatMap((s: any) => s.testcase);
    expect(cases).to.have.length(4);
    expect(cases.every((c: any) => !c.failure && !c.skipped)).to.equal(true);
    const rep = await xdsc(["report", out]);
    expect(rep.code, rep.stderr).to.equal(0);
    expect(existsSync(join(out, "allure-report", "index.html"))).to.equal(true);
  });

  it("a run in which no check applies is not a pass: exit 1, the summary says why", async () => {
    const out = join(dir, "empty");
    const r = await xdsc([
      "certify",
      "--dp",
      "grpc-js",
      "--suite",
      "ordering",
      "--variant",
      "sotw-ads",
      "--out",
      out,
    ]);
    expect(r.code, r.stderr).to.equal(1);
    expect(r.stderr).to.include("no check ran: every requested check is not applicable");
    expect(readFileSync(join(out, "summary.md"), "utf8")).to.include(
      'data plane "grpc-js" carries no HTTP listener traffic',
    );
  });

  it("Ctrl-C mid-run leaves no Envoy and keeps the partial report", async () => {
    const out = join(dir, "run");
    const marker = `sigint-${process.pid}-${Date.now()}`;
    const child = spawnXdsc(["certify", "--suite", "smoke", "--out", out], { XDSC_TEST_MARKER: marker });
    let seen = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`certify never reached its second check; stderr: ${seen}`)),
        60_000,
      );
      child.stderr!.on("data", (b: Buffer) => {
        seen += b.toString();
        if (/\[2\/\d+\].*starting smoke/.test(seen)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill("SIGINT");
    const result = await child;
    expect(result.exitCode, String(result.stderr)).to.equal(130);
    const cert = parseYaml(readFileSync(join(out, "certification.yaml"), "utf8"));
    expect(cert.interrupted).to.equal(true);
    expect(cert.results.length).to.be.within(1, 7);
    // The reaper watchdog outlives xdsc by design (it cleans up after its owner's exit), then exits itself.
    const deadline = Date.now() + 10_000;
    let left = markedProcesses(marker);
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      left = markedProcesses(marker);
    }
    left = left.map((p) => {
      try {
        return `${p}: ${readFileSync(`/proc/${p}/cmdline`, "utf8").replace(/\0/g, " ")}`;
      } catch {
        return p;
      }
    });
    expect(left, "processes of the interrupted run left behind").to.deep.equal([]);
  });

  it("xdsc repro reproduces the NACK loop (exit 1, artifacts kept); without the fault it exits 0", async () => {
    const bug = await xdsc(["repro", "fixtures/repros/nack-loop.yaml", "--out", join(dir, "bug")]);
    expect(bug.code, bug.stdout + bug.stderr).to.equal(1);
    expect(bug.stdout).to.match(
      /REPRODUCES: .*nack-loop.yaml:\d+: resends of a NACKed version: expected =0, got [1-9]/,
    );
    expect(existsSync(join(dir, "bug", "transcript.jsonl"))).to.equal(true);
    const fixed = readFileSync("fixtures/repros/nack-loop.yaml", "utf8").replace(
      /control_plane:\n\s+faults: \[resend-nacked\]\n/,
      "",
    );
    expect(fixed).to.not.match(/^control_plane:/m);
    writeFileSync(join(dir, "fixed.yaml"), fixed.replace("$schema=../schema", "$schema=schema"));
    const ok = await xdsc(["repro", join(dir, "fixed.yaml"), "--out", join(dir, "fixed")]);
    expect(ok.code, ok.stdout + ok.stderr).to.equal(0);
    expect(ok.stdout).to.include("does not reproduce");
  });
});
