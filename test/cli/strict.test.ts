// A check whose prerequisite is missing reports `skipped: <reason>`; under --strict (the default in CI)
// that fails the run (exit 1), without it the run passes (exit 0). The missing prerequisite here is the
// reference server's fault modes on another control plane, so no control plane needs to start.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { certify } from "../../harness/cli/certify.ts";
import { defineCheck, pass } from "../../harness/checks/define.ts";
import type { CheckDefinition } from "../../harness/checks/define.ts";
import type { SuiteName } from "../../harness/checks/types.ts";

const needsFaults = defineCheck({
  id: "smoke.needs-reference-faults",
  suite: "smoke",
  title: "A check that needs the reference server's fault modes",
  spec: "test",
  role: "control-plane",
  requires: ["reference-cp"],
  twins: [{ name: "none", description: "never run" }],
  run: async () => pass(),
});

const suites = { smoke: [needsFaults] } as unknown as Record<SuiteName, CheckDefinition[]>;

describe("xdsc certify: skipped checks and --strict", function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "xdsc-strict-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  for (const strict of [true, false]) {
    it(`a missing prerequisite is skipped with its reason; exit ${strict ? 1 : 0} ${strict ? "with" : "without"} --strict`, async () => {
      const out = join(dir, "run");
      const code = await certify({
        suites,
        suiteNames: ["smoke"],
        controlPlanes: ["go-control-plane"],
        dataPlanes: ["envoy"],
        variants: [{ transport: "sotw", mode: "ads" }],
        out,
        outputDir: dir,
        strict,
        toolVersion: "test",
      });
      expect(code).to.equal(strict ? 1 : 0);
      const cert = parse(readFileSync(join(out, "certification.yaml"), "utf8"));
      expect(cert.results).to.have.length(1);
      expect(cert.results[0].verdict).to.equal("skipped");
      expect(cert.results[0].reason).to.match(
        /control plane "go-control-plane" has no ordering policies or fault modes/,
      );
      expect(readFileSync(join(out, "summary.md"), "utf8")).to.include(
        "has no ordering policies or fault modes",
      );
    });
  }
});
