// suites/checks.test.ts for PROTOCOL_CHECKS, on every transport variant a check applies to: each check
// passes on reference × Envoy, and FAILS (with a reason, not an error) on each of its known-bad twins.
// Twins of control-plane checks run on every applicable variant (they are fast); data-plane twins on
// the first. PROTOCOL_GREP narrows the run, e.g. PROTOCOL_GREP=cp- npx mocha suites/protocol/checks.test.ts
// Then every control-plane check runs against go-control-plane over ADS (SotW and delta: the quick
// variants) and must pass, or fail exactly as findings.ts documents.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runOne } from "../../harness/checks/runner.ts";
import type { Cell } from "../../harness/checks/context.ts";
import { buildGoControlPlane } from "../../harness/controlplanes/go-control-plane.ts";
import { ALL_VARIANTS, GRPC_VARIANTS, variantName } from "../../harness/scenario/variant.ts";
import { GO_CONTROL_PLANE_DIVERGENCES, GO_CONTROL_PLANE_SKIPS, knownDivergence } from "./findings.ts";
import { envoyDivergence } from "./envoy-findings.ts";
import { PROTOCOL_CHECKS } from "./index.ts";

const grep = process.env.PROTOCOL_GREP ? new RegExp(process.env.PROTOCOL_GREP) : undefined;

describe("protocol checks on reference × Envoy", function () {
  this.timeout(180_000);
  let runDir: string;
  before(() => (runDir = mkdtempSync(join(tmpdir(), "xdsc-protocol-"))));
  after(() => rmSync(runDir, { recursive: true, force: true }));

  for (const check of PROTOCOL_CHECKS.filter((c) => !grep || grep.test(c.id))) {
    // REST-JSON and file checks name those variants in appliesTo; the others apply to gRPC ones only.
    const variants = ALL_VARIANTS.filter((v) =>
      check.appliesTo ? check.appliesTo(v) : GRPC_VARIANTS.includes(v),
    );
    const cells: Cell[] = variants.map((variant) => ({ cp: "reference", dp: "envoy", variant }));
    describe(check.id, () => {
      it("applies to at least one variant", () => expect(cells).to.not.be.empty);
      for (const cell of cells) {
        const known = envoyDivergence(check.id, variantName(cell.variant));
        const want = known ? `fails on Envoy as documented (${known.rule})` : "passes on the correct setup";
        it(`${want} (${variantName(cell.variant)})`, async () => {
          const r = await runOne(check, cell, { checks: [check], cells: [], runDir });
          if (!known) return expect(r.verdict, r.reason).to.equal("pass");
          expect(r.verdict, `${known.reason}; got: ${r.reason ?? ""}`).to.equal("fail");
          expect(r.reason, known.reason).to.match(known.evidence);
        });
      }
      // A data-plane twin runs where the check passes on Envoy, so its failure is the twin's doing.
      const twinCells =
        check.role === "control-plane"
          ? cells
          : cells.filter((c) => !envoyDivergence(check.id, variantName(c.variant))).slice(0, 1);
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

describe("protocol control-plane checks on go-control-plane (ADS)", function () {
  this.timeout(60_000);
  const cpChecks = PROTOCOL_CHECKS.filter((c) => c.role === "control-plane" && (!grep || grep.test(c.id)));
  const variants = GRPC_VARIANTS.filter((v) => v.mode === "ads");
  let runDir: string;
  before(async function () {
    // Content-cached; a cold Go build takes minutes, once.
    this.timeout(15 * 60_000);
    await buildGoControlPlane();
    runDir = mkdtempSync(join(tmpdir(), "xdsc-protocol-gcp-"));
  });
  after(() => runDir && rmSync(runDir, { recursive: true, force: true }));

  it("lists divergences only for control-plane checks that exist", () => {
    const ids = new Set(PROTOCOL_CHECKS.filter((c) => c.role === "control-plane").map((c) => c.id));
    expect(GO_CONTROL_PLANE_DIVERGENCES.map((d) => d.check).filter((id) => !ids.has(id))).to.deep.equal([]);
  });

  for (const variant of variants) {
    for (const check of cpChecks.filter((c) => !c.appliesTo || c.appliesTo(variant))) {
      const known = knownDivergence(check.id, variantName(variant));
      const skip = GO_CONTROL_PLANE_SKIPS.find((s) => s.check === check.id);
      const want = skip
        ? "is skipped as documented"
        : known
          ? `fails as documented (${known.rule})`
          : "passes";
      it(`${check.id} ${want} (${variantName(variant)})`, async () => {
        const cell: Cell = { cp: "go-control-plane", dp: "envoy", variant };
        const r = await runOne(check, cell, { checks: [check], cells: [], runDir });
        if (skip) {
          expect(r.verdict, r.reason).to.equal("skipped");
          return expect(r.reason).to.match(skip.reason);
        }
        if (!known) return expect(r.verdict, r.reason).to.equal("pass");
        expect(r.verdict, `${known.reason}; got: ${r.reason ?? ""}`).to.equal("fail");
        expect(r.reason, known.reason).to.match(known.evidence);
      });
    }
  }
});
