// While suites/index.ts does not list them yet: the generic acceptance rules of suites/checks.test.ts for
// the traffic-split checks — pass on reference × Envoy (SotW ADS; XDSC_VARIANTS=sotw-ads,... for more),
// and fail (not inconclusive) on each known-bad twin. XDSC_CHECKS=<regex> narrows the checks.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runOne } from "../../harness/checks/runner.ts";
import type { Cell } from "../../harness/checks/context.ts";
import { GRPC_VARIANTS, variantName, type Variant } from "../../harness/scenario/variant.ts";
import { TRAFFIC_SPLIT_CHECKS } from "./index.ts";

const only = process.env.XDSC_VARIANTS?.split(",") ?? ["sotw-ads"];
const variants = GRPC_VARIANTS.filter((v) => only.includes(variantName(v)));
const grep = process.env.XDSC_CHECKS ? new RegExp(process.env.XDSC_CHECKS) : undefined;
const cell = (variant: Variant): Cell => ({ cp: "reference", dp: "envoy", variant });
const show = (ms: number, m?: Record<string, unknown>) =>
  process.env.XDSC_VERBOSE && console.log(`      ${ms}ms`, JSON.stringify(m));

describe("traffic-split checks on reference × Envoy", function () {
  this.timeout(120_000);
  let runDir: string;
  before(() => (runDir = mkdtempSync(join(tmpdir(), "xdsc-checks-"))));
  after(() => rmSync(runDir, { recursive: true, force: true }));

  for (const check of TRAFFIC_SPLIT_CHECKS.filter((c) => !grep || grep.test(c.id))) {
    describe(check.id, () => {
      for (const variant of variants.filter((v) => !check.appliesTo || check.appliesTo(v))) {
        it(`passes on the correct setup (${variantName(variant)})`, async () => {
          const r = await runOne(check, cell(variant), { checks: [check], cells: [], runDir });
          show(r.durationMs, r.metrics);
          expect(r.verdict, r.reason).to.equal("pass");
        });
      }
      for (const twin of check.twins) {
        it(`fails on its known-bad twin ${twin.name}`, async () => {
          const r = await runOne(check, cell(variants[0]!), {
            checks: [check],
            cells: [],
            runDir: join(runDir, "twins"),
            twinOf: () => twin,
          });
          show(r.durationMs, { reason: r.reason, ...r.metrics });
          expect(r.verdict, `${twin.description}: ${r.reason ?? ""}`).to.equal("fail");
          expect(r.reason, "a failing verdict says why")
            .to.be.a("string")
            .and.not.match(/^check errored/);
        });
      }
    });
  }
});
