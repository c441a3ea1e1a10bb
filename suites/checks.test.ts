// The acceptance rules of every check, asserted generically:
// - self-certification: each check passes on reference control plane × real Envoy in every gRPC variant
//   it applies to (proxyless checks: grpc-js and grpc-go, in the variants each speaks: SotW ADS);
// - twin test: each check FAILS on each of its known-bad twins (first applicable variant; for proxyless
//   checks on each client) — a check that cannot fail is a defect. XDSC_CHECKS=<regex> narrows the checks,
//   XDSC_VARIANTS=a,b the variants, XDSC_DATA_PLANES=a,b the gRPC clients.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCheckAlone } from "../test/support/run-check.ts";
import type { Cell } from "../harness/checks/context.ts";
import type { CheckDefinition } from "../harness/checks/define.ts";
import { ALL_CHECKS } from "./index.ts";
import { GRPC_VARIANTS, variantName } from "../harness/scenario/variant.ts";
import { applies, cellUnsupported } from "../harness/checks/features.ts";
import { detectEnvironment, type Environment } from "../harness/checks/environment.ts";
import { PROXYLESS } from "../harness/dataplanes/registry.ts";
import { buildGrpcGoClient } from "../harness/dataplanes/grpc-go.ts";
import { attemptsFor, withAttempts } from "../harness/checks/attempts.ts";

const only = process.env.XDSC_VARIANTS?.split(",");
const grep = process.env.XDSC_CHECKS ? new RegExp(process.env.XDSC_CHECKS) : undefined;
const onlyDps = process.env.XDSC_DATA_PLANES?.split(",");

/** The data planes a check is about: Envoy, or every gRPC proxyless client for a proxyless check. */
function dataPlanesFor(check: CheckDefinition): string[] {
  if (!check.requires.includes("proxyless")) return ["envoy"];
  return [...PROXYLESS].filter((dp) => !onlyDps || onlyDps.includes(dp));
}

/** The reference control plane with the data planes the check is about, in each variant it applies to. */
function cellsFor(check: CheckDefinition): Cell[] {
  return dataPlanesFor(check)
    .flatMap((dp) =>
      GRPC_VARIANTS.filter((v) => !only || only.includes(variantName(v))).map((variant) => ({
        cp: "reference",
        dp,
        variant,
      })),
    )
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
  before(async function () {
    // Content-cached; a cold build compiles grpc-go's xDS stack (about 70 s on 2 cores).
    this.timeout(10 * 60_000);
    if (ALL_CHECKS.some((c) => (!grep || grep.test(c.id)) && dataPlanesFor(c).includes("grpc-go")))
      await buildGrpcGoClient();
  });
  after(() => rmSync(runDir, { recursive: true, force: true }));

  // Protocol checks have their own runner with the same two rules (suites/protocol/checks.test.ts: every
  // variant they apply to, REST and file included, and the documented Envoy findings); running them here
  // too would only repeat them.
  for (const check of ALL_CHECKS.filter((c) => c.suite !== "protocol" && (!grep || grep.test(c.id)))) {
    const cells = cellsFor(check);
    describe(check.id, () => {
      it("applies to at least one cell", () => expect(cells).to.not.be.empty);
      // Envoy cells keep their titles; proxyless ones name the client.
      const label = (cell: Cell) =>
        cell.dp === "envoy" ? variantName(cell.variant) : `${cell.dp}, ${variantName(cell.variant)}`;
      for (const cell of cells) {
        it(`passes on the correct setup (self-certification, ${label(cell)})`, async () => {
          // A statistical check fails a correct setup with its declared α: up to attemptsFor(α) runs.
          const runs = await withAttempts(attemptsFor(check.statistics?.alpha ?? 0), "pass", () =>
            runCheckAlone(check, cell, env, runDir),
          );
          expect(runs.at(-1)!.verdict, attemptLog(runs)).to.equal("pass");
        });
      }
      // The first applicable cell of each data plane (one for Envoy checks, one per gRPC client).
      const twinCells = cells.filter((c, i) => cells.findIndex((d) => d.dp === c.dp) === i);
      for (const twin of check.twins) {
        for (const cell of twinCells) {
          const title = cell.dp === "envoy" ? twin.name : `${twin.name} (${cell.dp})`;
          it(`fails on its known-bad twin ${title}`, async () => {
            // A statistical check misses a twin exactly at its tolerance with 1 − power.
            const miss = check.statistics ? 1 - check.statistics.power : 0;
            const runs = await withAttempts(attemptsFor(miss), "fail", () =>
              runCheckAlone(check, cell, env, join(runDir, "twins"), twin),
            );
            const r = runs.at(-1)!;
            expect(r.verdict, `${twin.description}: ${attemptLog(runs)}`).to.equal("fail");
            expect(r.reason, "a failing verdict says why")
              .to.be.a("string")
              .and.not.match(/^check errored/);
          });
        }
      }
    });
  }
});

/** Every attempt's verdict and reason, for the assertion message. */
function attemptLog(runs: { verdict: string; reason?: string }[]): string {
  return runs.map((r, i) => `attempt ${i + 1}/${runs.length}: ${r.verdict}: ${r.reason ?? ""}`).join("; ");
}
