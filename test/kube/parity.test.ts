// The parity suite on the local cluster: every check passes on the correct translator and fails on each
// of its translator-fault twins (the same acceptance rule as suites/checks.test.ts, with the "kube"
// environment offered). Slow (each check starts its own cluster, ~15 s): XDSC_CHECKS=<regex> narrows it,
// XDSC_PARITY_TWINS=0 runs only the correct setups.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runOne } from "../../harness/checks/runner.ts";
import type { Cell } from "../../harness/checks/context.ts";
import type { Twin } from "../../harness/checks/define.ts";
import { PARITY_CHECKS } from "../../suites/parity/index.ts";
import { kubeAvailability } from "./support.ts";

const grep = process.env.XDSC_CHECKS ? new RegExp(process.env.XDSC_CHECKS) : undefined;
const withTwins = process.env.XDSC_PARITY_TWINS !== "0";
const cell: Cell = { cp: "reference", dp: "envoy", variant: { transport: "sotw", mode: "ads" } };

describe("parity suite: kube-proxy vs Envoy sidecar on the local cluster", function () {
  this.timeout(180_000);
  let runDir: string;

  before(async function () {
    const unavailable = await kubeAvailability();
    if (unavailable && process.env.CI === "true") throw new Error(`local cluster prerequisite missing in CI: ${unavailable}`);
    if (unavailable) {
      console.log(`      skipped: ${unavailable}`);
      this.skip();
    }
    runDir = mkdtempSync(join(tmpdir(), "xdsc-parity-"));
  });
  after(() => runDir && rmSync(runDir, { recursive: true, force: true }));

  const run = async (id: string, twin?: Twin) => {
    const check = PARITY_CHECKS.find((c) => c.id === id)!;
    const t0 = Date.now();
    const r = await runOne(check, cell, {
      checks: [check],
      cells: [],
      runDir: join(runDir, twin ? "twins" : "correct"),
      environment: ["kube"],
      twinOf: () => twin,
    });
    console.log(`      ${r.verdict} in ${Date.now() - t0} ms${r.reason ? `: ${r.reason.slice(0, 400)}` : ""}`);
    if (process.env.XDSC_PARITY_TABLES === "1")
      console.log(r.evidence.find((e) => e.label === "behaviour × path")?.excerpt ?? "");
    return r;
  };

  for (const check of PARITY_CHECKS.filter((c) => !grep || grep.test(c.id))) {
    describe(check.id, () => {
      it("passes on the correct translator (self-certification)", async () => {
        const r = await run(check.id);
        expect(r.verdict, r.reason).to.equal("pass");
      });
      for (const twin of withTwins ? check.twins : []) {
        it(`fails on its known-bad twin ${twin.name}`, async () => {
          const r = await run(check.id, twin);
          expect(r.verdict, `${twin.description}: ${r.reason ?? ""}`).to.equal("fail");
          expect(r.reason).to.be.a("string").and.not.match(/^check errored/);
        });
      }
    });
  }
});
