// The acceptance rules of every check, asserted generically:
// - self-certification: each check passes on reference control plane × real Envoy in every gRPC variant
//   it applies to (proxyless checks: grpc-js, SotW ADS);
// - twin test: each check FAILS on each of its known-bad twins (first applicable variant) — a check that
//   cannot fail is a defect. XDSC_CHECKS=<regex> narrows the checks, XDSC_VARIANTS=a,b the variants.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runOne } from "../harness/checks/runner.ts";
import type { Cell } from "../harness/checks/context.ts";
import type { CheckDefinition } from "../harness/checks/define.ts";
import { ALL_CHECKS } from "./index.ts";
import { GRPC_VARIANTS, variantName } from "../harness/scenario/variant.ts";
import { applies, cellUnsupported } from "../harness/checks/features.ts";
import { detectEnvironment, type Environment } from "../harness/checks/environment.ts";

const only = process.env.XDSC_VARIANTS?.split(",");
const grep = process.env.XDSC_CHECKS ? new RegExp(process.env.XDSC_CHECKS) : undefined;

/** The reference control plane with the data plane the check is about, in each variant it applies to. */
function cellsFor(check: CheckDefinition): Cell[] {
  const dp = check.requires.includes("proxyless") ? "grpc-js" : "envoy";
  return GRPC_VARIANTS.filter((v) => !only || only.includes(variantName(v)))
    .map((variant) => ({ cp: "reference", dp, variant }))
    .filter(
      (c) =>
        !cellUnsupported(c) && (!check.appliesTo || check.appliesTo(c.variant)) && applies(check.requires, c),
    );
}

describe("checks on reference × Envoy", function () {
  this.timeout(180_000);
  let runDir: string;
  let env: Environment;
  before(async () => {
    runDir = mkdtempSync(join(tmpdir(), "xdsc-checks-"));
    // A check whose prerequisite (Docker, the local cluster) is missing reports `skipped`, which fails here.
    env = await detectEnvironment();
  });
  after(() => rmSync(runDir, { recursive: true, force: true }));

  for (const check of ALL_CHECKS.filter((c) => !grep || grep.test(c.id))) {
    const cells = cellsFor(check);
    describe(check.id, () => {
      it("applies to at least one cell", () => expect(cells).to.not.be.empty);
      for (const cell of cells) {
        it(`passes on the correct setup (self-certification, ${variantName(cell.variant)})`, async () => {
          const r = await runOne(check, cell, {
            checks: [check],
            cells: [],
            runDir,
            environment: env.features,
            absent: env.absent,
          });
          expect(r.verdict, r.reason).to.equal("pass");
        });
      }
      for (const twin of check.twins) {
        it(`fails on its known-bad twin ${twin.name}`, async () => {
          const r = await runOne(check, cells[0]!, {
            checks: [check],
            cells: [],
            runDir: join(runDir, "twins"),
            environment: env.features,
            absent: env.absent,
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
