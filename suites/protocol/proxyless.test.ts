// Every data-plane protocol check on the gRPC proxyless clients, grpc-js and grpc-go, in each variant
// they speak (PROXYLESS_VARIANTS: SotW ADS). A data-plane check covers them by default: it judges the
// tap's transcript, and CheckContext gives proxyless cells the fixture's `-grpc` sibling (smoke.yaml →
// smoke-grpc.yaml). One that needs Envoy declares it (requires "envoy-admin" / "http-listener") and is
// listed here as not applicable, never skipped silently. An applicable check must pass, or fail exactly as
// proxyless-findings.ts documents. Twins are not rerun here: a data-plane twin is a scripted double,
// the same whatever the cell's data plane (checks.test.ts runs them).
// PROTOCOL_GREP narrows the checks, XDSC_DATA_PLANES=grpc-js (or grpc-go) the clients.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Cell } from "../../harness/checks/context.ts";
import { applies, cellUnsupported, type Feature } from "../../harness/checks/features.ts";
import { detectEnvironment, type Environment } from "../../harness/checks/environment.ts";
import { notApplicableChecks } from "../../harness/checks/runner.ts";
import { runCheckAlone } from "../../test/support/run-check.ts";
import { buildGrpcGoClient } from "../../harness/dataplanes/grpc-go.ts";
import { PROXYLESS_VARIANTS, type ProxylessClientName } from "../../harness/dataplanes/proxyless.ts";
import { parseVariant, variantName } from "../../harness/scenario/variant.ts";
import { PROTOCOL_CHECKS } from "./index.ts";
import { PROXYLESS_DIVERGENCES, proxylessDivergence } from "./proxyless-findings.ts";

const grep = process.env.PROTOCOL_GREP ? new RegExp(process.env.PROTOCOL_GREP) : undefined;
const clients = (Object.keys(PROXYLESS_VARIANTS) as ProxylessClientName[]).filter(
  (c) => !process.env.XDSC_DATA_PLANES || process.env.XDSC_DATA_PLANES.split(",").includes(c),
);
const dpChecks = PROTOCOL_CHECKS.filter((c) => c.role !== "control-plane");

/** What only Envoy-like data planes offer: a data-plane check requiring one is not applicable to gRPC clients. */
const ENVOY_ONLY: readonly Feature[] = ["envoy-admin", "http-listener"];

describe("protocol data-plane checks on gRPC proxyless clients", function () {
  this.timeout(120_000);
  let runDir: string;
  let env: Environment;
  before(async function () {
    // Content-cached; a cold build compiles grpc-go's xDS stack (about 70 s on 2 cores).
    this.timeout(10 * 60_000);
    if (clients.includes("grpc-go")) await buildGrpcGoClient();
    env = await detectEnvironment();
    runDir = mkdtempSync(join(tmpdir(), "xdsc-protocol-proxyless-"));
  });
  after(() => runDir && rmSync(runDir, { recursive: true, force: true }));

  it("lists divergences only for data-plane checks that exist", () => {
    const ids = new Set(dpChecks.map((c) => c.id));
    expect(PROXYLESS_DIVERGENCES.map((d) => d.check).filter((id) => !ids.has(id))).to.deep.equal([]);
  });

  it("applies at least one data-plane check to every client", () => {
    for (const dp of Object.keys(PROXYLESS_VARIANTS) as ProxylessClientName[]) {
      const cells = PROXYLESS_VARIANTS[dp].variants.map((v) => ({
        cp: "reference",
        dp,
        variant: parseVariant(v)!,
      }));
      const applicable = dpChecks.filter((c) =>
        cells.some((cell) => (!c.appliesTo || c.appliesTo(cell.variant)) && applies(c.requires, cell)),
      );
      expect(applicable.length, `${dp}: applicable data-plane checks`).to.be.greaterThan(0);
    }
  });

  it("reports the Envoy-only data-plane checks as not applicable to each client, with why", () => {
    for (const dp of Object.keys(PROXYLESS_VARIANTS) as ProxylessClientName[]) {
      const cells = PROXYLESS_VARIANTS[dp].variants.map((v) => ({
        cp: "reference",
        dp,
        variant: parseVariant(v)!,
      }));
      const listed = notApplicableChecks(dpChecks, cells);
      const envoyOnly = dpChecks.filter(
        (c) =>
          c.requires.some((r) => ENVOY_ONLY.includes(r)) &&
          cells.some((cell) => !c.appliesTo || c.appliesTo(cell.variant)),
      );
      for (const c of envoyOnly) {
        const n = listed.find((x) => x.check.id === c.id);
        expect(n?.reason, `${c.id} on ${dp}`).to.match(new RegExp(`data plane "${dp}" (has no|carries no)`));
      }
    }
  });

  for (const dp of clients) {
    for (const variant of PROXYLESS_VARIANTS[dp].variants.map((v) => parseVariant(v)!)) {
      const cell: Cell = { cp: "reference", dp, variant };
      const v = variantName(variant);
      describe(`reference × ${dp} (${v})`, () => {
        it("is a cell the client speaks", () => expect(cellUnsupported(cell)).to.equal(undefined));
        for (const check of dpChecks.filter((c) => !grep || grep.test(c.id))) {
          if (check.appliesTo && !check.appliesTo(variant)) {
            it(`${check.id}: not applicable (its rule is about other variants than ${v})`, () =>
              expect(check.appliesTo!(variant)).to.equal(false));
            continue;
          }
          const envoyOnly = check.requires.filter((r) => ENVOY_ONLY.includes(r));
          if (!applies(check.requires, cell)) {
            it(`${check.id}: not applicable, Envoy-only (requires ${envoyOnly.join(", ")})`, () =>
              expect(envoyOnly, "a data-plane check left out of proxyless cells says it needs Envoy").to.not
                .be.empty);
            continue;
          }
          const known = proxylessDivergence(check.id, dp);
          const want = known ? `fails as documented (${known.rule})` : "passes";
          it(`${check.id} ${want}`, async () => {
            const r = await runCheckAlone(check, cell, env, runDir);
            if (!known) return expect(r.verdict, r.reason).to.equal("pass");
            expect(r.verdict, `${known.reason}; got: ${r.reason ?? ""}`).to.equal("fail");
            expect(r.reason, known.reason).to.match(known.evidence);
          });
        }
      });
    }
  }
});
