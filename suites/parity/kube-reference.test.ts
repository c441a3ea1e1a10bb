// The parity suite with its sidecar path fed by the kube-reference control plane (harness/controlplanes/
// kube-reference.ts: the translator watching the local cluster's API server) instead of the translator in
// the check's process (suites/checks.test.ts covers that on the reference cell). Every check must pass;
// the known-bad twins must fail here too, which shows the translator fault reaches the watching CP:
// by default the twins of two checks, one fault on the translator's input (include-not-ready) and one on
// its output (drop-terminating); XDSC_PARITY_KUBE_TWINS=all runs every twin (~10 s each).
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Cell } from "../../harness/checks/context.ts";
import { applies } from "../../harness/checks/features.ts";
import { runCheckAlone } from "../../test/support/run-check.ts";
import { detectEnvironment, type Environment } from "../../harness/checks/environment.ts";
import { PARITY_CHECKS } from "./index.ts";

const grep = process.env.XDSC_CHECKS ? new RegExp(process.env.XDSC_CHECKS) : undefined;
const DEFAULT_TWINS = new Set(["parity.not-ready", "parity.terminating-fallback"]);
const allTwins = process.env.XDSC_PARITY_KUBE_TWINS === "all";
const cell: Cell = { cp: "kube-reference", dp: "envoy", variant: { transport: "sotw", mode: "ads" } };

describe("parity checks on kube-reference (the translator as a CP watching the cluster)", function () {
  this.timeout(180_000);
  let runDir: string;
  let env: Environment;
  before(async () => {
    runDir = mkdtempSync(join(tmpdir(), "xdsc-parity-kube-"));
    env = await detectEnvironment();
  });
  after(() => rmSync(runDir, { recursive: true, force: true }));

  for (const check of PARITY_CHECKS.filter((c) => !grep || grep.test(c.id))) {
    describe(check.id, () => {
      it("applies to the kube-reference cell", () => {
        expect(applies(check.requires, cell)).to.equal(true);
        expect(check.appliesTo?.(cell.variant) ?? true).to.equal(true);
      });
      it("passes with the sidecar fed by kube-reference", async () => {
        const r = await runCheckAlone(check, cell, env, runDir);
        expect(r.verdict, r.reason).to.equal("pass");
      });
      if (!allTwins && !DEFAULT_TWINS.has(check.id)) return;
      for (const twin of check.twins) {
        it(`fails on its known-bad twin ${twin.name} (the fault in kube-reference's translator)`, async () => {
          const r = await runCheckAlone(check, cell, env, join(runDir, "twins"), twin);
          expect(r.verdict, `${twin.description}: ${r.reason ?? ""}`).to.equal("fail");
          expect(r.reason)
            .to.be.a("string")
            .and.not.match(/^check errored/);
        });
      }
    });
  }
});
