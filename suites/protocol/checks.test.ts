// suites/checks.test.ts for PROTOCOL_CHECKS, on every transport variant a check applies to: each check
// passes on reference × Envoy, and FAILS (with a reason, not an error) on each of its known-bad twins.
// Twins of control-plane checks run on every applicable variant (they are fast); data-plane twins on
// the first. PROTOCOL_GREP narrows the run, e.g. PROTOCOL_GREP=cp- npx mocha suites/protocol/checks.test.ts
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runOne } from "../../harness/checks/runner.ts";
import type { Cell } from "../../harness/checks/context.ts";
import { GRPC_VARIANTS, variantName } from "../../harness/scenario/variant.ts";
import { PROTOCOL_CHECKS } from "./index.ts";

const grep = process.env.PROTOCOL_GREP ? new RegExp(process.env.PROTOCOL_GREP) : undefined;

describe("protocol checks on reference × Envoy", function () {
  this.timeout(180_000);
  let runDir: string;
  before(() => (runDir = mkdtempSync(join(tmpdir(), "xdsc-protocol-"))));
  after(() => rmSync(runDir, { recursive: true, force: true }));

  for (const check of PROTOCOL_CHECKS.filter((c) => !grep || grep.test(c.id))) {
    const variants = GRPC_VARIANTS.filter((v) => !check.appliesTo || check.appliesTo(v));
    const cells: Cell[] = variants.map((variant) => ({ cp: "reference", dp: "envoy", variant }));
    describe(check.id, () => {
      it("applies to at least one gRPC variant", () => expect(cells).to.not.be.empty);
      for (const cell of cells) {
        it(`passes on the correct setup (${variantName(cell.variant)})`, async () => {
          const r = await runOne(check, cell, { checks: [check], cells: [], runDir });
          expect(r.verdict, r.reason).to.equal("pass");
        });
      }
      const twinCells = check.role === "control-plane" ? cells : cells.slice(0, 1);
      for (const twin of check.twins) {
        for (const cell of twinCells) {
          it(`fails on its known-bad twin ${twin.name} (${variantName(cell.variant)})`, async () => {
            const r = await runOne(check, cell, {
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
      }
    });
  }
});
