// The acceptance rules of every check, asserted generically:
// - self-certification: each check passes on reference control plane × real Envoy (SotW ADS);
// - twin test: each check FAILS on each of its known-bad twins — a check that cannot fail is a defect.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runOne } from "../harness/checks/runner.ts";
import type { Cell } from "../harness/checks/context.ts";
import type { CheckDefinition } from "../harness/checks/define.ts";
import { ALL_CHECKS } from "./index.ts";
import { GRPC_VARIANTS } from "../harness/scenario/variant.ts";

// Each check runs on the reference control plane and the first data plane and variant it applies to.
const cellFor = (check: CheckDefinition): Cell => ({
  cp: "reference",
  dp: check.requires.includes("proxyless") ? "grpc-js" : "envoy",
  variant: GRPC_VARIANTS.find((v) => !check.appliesTo || check.appliesTo(v))!,
});

describe("checks on reference × Envoy", function () {
  this.timeout(180_000);
  let runDir: string;
  before(() => (runDir = mkdtempSync(join(tmpdir(), "xdsc-checks-"))));
  after(() => rmSync(runDir, { recursive: true, force: true }));

  for (const check of ALL_CHECKS) {
    describe(check.id, () => {
      it("passes on the correct setup (self-certification)", async () => {
        const r = await runOne(check, cellFor(check), { checks: [check], cells: [], runDir });
        expect(r.verdict, r.reason).to.equal("pass");
      });
      for (const twin of check.twins) {
        it(`fails on its known-bad twin ${twin.name}`, async () => {
          const r = await runOne(check, cellFor(check), {
            checks: [check],
            cells: [],
            runDir: join(runDir, "twins"),
            twinOf: () => twin,
          });
          expect(r.verdict, `${twin.description}: ${r.reason ?? ""}`).to.equal("fail");
          expect(r.reason, "a failing verdict says why")
            .to.be.a("string")
            .and.not.match(/^check errored/);
        });
      }
    });
  }
});
