// Runs every repro fixture through the real `xdsc repro` (one after another: each starts Envoy or a gRPC
// client, and the machine has two cores) and asserts the outcome fixtures/repros/README.md documents:
// the exit code and the line that shows it. Control-plane bugs also run "fixed": the same fixture without
// its control_plane block must not reproduce.
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { parseDocument } from "yaml";
import { projectPath } from "../../harness/util/paths.ts";
import { xdsc } from "../cli/support.ts";

interface Outcome {
  exit: 0 | 1;
  /** A line of the output that shows why. */
  line: RegExp;
}

interface Case extends Outcome {
  args?: string[];
  /** The fixture without control_plane (control-plane bugs only). */
  fixed?: Outcome & { why?: string };
}

const REPRODUCES = /^REPRODUCES: /m;
const HOLDS = /^does not reproduce: every expectation holds$/m;

const CASES: Record<string, Case> = {
  "envoy-13070-cds-health-check-timeout-503": {
    exit: 0,
    line: /ok {3}timeline\[8\]: response flag UH: expected =0, got 0/,
  },
  "envoy-13009-cds-update-eds-not-resent": {
    exit: 1,
    line: /REPRODUCES: timeline stopped: node "[^"]+" not quiescent after 5000ms/,
    // Without the fault the reference server answers Envoy's EDS re-request (SotW) and re-sends the
    // endpoints of an updated cluster (delta), so the updated cluster warms and traffic follows it.
    fixed: { exit: 0, line: /ok {3}timeline\[7\]: backend "green": expected =50, got 50 of 50 requests/ },
  },
  "envoy-17109-rds-per-filter-config-drops-connections": {
    exit: 0,
    line: /ok {3}timeline\[7\]: lost requests: expected =0, got 0 of 400/,
  },
  "envoy-17980-delta-rds-requested-after-listener-removed": {
    args: ["--variant", "delta-ads"],
    exit: 0,
    line: /ok {3}timeline\[8\]: requests naming "doomed-routes" on streams opened since the previous expect: expected =0, got 0/,
  },
  "envoy-36142-delta-rds-name-change-not-fetched": {
    args: ["--variant", "delta-ads"],
    exit: 0,
    line: /ok {3}timeline\[8\]: backend "v2": expected =20, got 20/,
  },
  "envoy-12252-endpoints-lost-after-cluster-update": {
    exit: 0,
    line: /ok {3}timeline\[7\]: response flag UH: expected =0, got 0 of 600/,
  },
  "envoy-11498-aggregate-cluster-cds-change-503": {
    exit: 0,
    line: /ok {3}timeline\[7\]: status 503: expected =0, got 0 of 600/,
  },
  "grpc-node-3069-weighted-clusters-no-total-weight": {
    args: ["--dp", "grpc-js"],
    exit: 1,
    line: /FAIL timeline\[1\]: lost requests: expected =0, got [1-9]\d* of 40/,
    fixed: { exit: 0, line: HOLDS },
  },
  "grpc-go-8865-weight-zero-cluster-not-requested": {
    args: ["--dp", "grpc-go"],
    exit: 1,
    line: /FAIL timeline\[1\]: lost requests: expected =0, got 30 of 30/,
    fixed: { exit: 0, line: HOLDS },
  },
  "knative-net-contour-12-route-before-cluster-503": {
    exit: 1,
    line: /FAIL timeline\[7\]: response flag NC: expected =0, got [1-9]\d* of 500/,
    fixed: { exit: 0, line: HOLDS },
  },
  "nack-loop": {
    exit: 1,
    line: /FAIL timeline\[4\]: resends of a NACKed version: expected =0, got [1-9]/,
    fixed: { exit: 0, line: HOLDS },
  },
};

const REPROS = projectPath("fixtures", "repros");

describe("repro fixtures (fixtures/repros, real data planes)", function () {
  this.timeout(90_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "xdsc-repros-"));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("has a documented outcome for every fixture", async () => {
    const fixtures = (await readdir(REPROS)).filter((f) => f.endsWith(".yaml")).map((f) => f.slice(0, -5));
    expect(fixtures.sort()).to.deep.equal(Object.keys(CASES).sort());
  });

  const run = async (file: string, c: Pick<Case, "args">, out: string) => {
    return xdsc(["repro", file, "--out", join(dir, out), ...(c.args ?? [])]);
  };
  const check = (r: { code: number; stdout: string; stderr: string }, o: Outcome) => {
    const context = `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
    expect(r.code, context).to.equal(o.exit);
    expect(r.stdout, context).to.match(o.exit === 1 ? REPRODUCES : HOLDS);
    expect(r.stdout, context).to.match(o.line);
    expect(r.stdout, context).to.match(/^artifacts: /m);
  };

  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}: ${c.exit === 1 ? "reproduces" : "does not reproduce"} (exit ${c.exit})`, async () => {
      check(await run(join(REPROS, `${name}.yaml`), c, name), c);
    });
    const fixed = c.fixed;
    if (fixed) {
      it(`${name} without its control_plane: exit ${fixed.exit}${fixed.why ? ` (${fixed.why})` : ""}`, async () => {
        const doc = parseDocument(await readFile(join(REPROS, `${name}.yaml`), "utf8"));
        expect(doc.has("control_plane"), "a fixed variant needs a control_plane block to drop").to.equal(
          true,
        );
        doc.delete("control_plane");
        const file = join(dir, `${name}.fixed.yaml`);
        await writeFile(file, String(doc));
        check(await run(file, c, `${name}.fixed`), fixed);
      });
    }
  }

  // envoy#17980's expectation can fail: with Envoy's default drain time the removed listener still drains
  // when Envoy reconnects, so it legitimately subscribes to that listener's route again on the new stream.
  // That is not the bug (the report is about the state after the drain), but it shows the predicate bites.
  it("envoy-17980 with the listener still draining (drain_time_s 600): the route is requested again (exit 1)", async () => {
    const name = "envoy-17980-delta-rds-requested-after-listener-removed";
    const doc = parseDocument(await readFile(join(REPROS, `${name}.yaml`), "utf8"));
    expect(doc.getIn(["data_plane", "drain_time_s"]), "the fixture sets a drain time").to.equal(0);
    doc.setIn(["data_plane", "drain_time_s"], 600);
    const file = join(dir, `${name}.draining.yaml`);
    await writeFile(file, String(doc));
    check(await run(file, CASES[name]!, `${name}.draining`), {
      exit: 1,
      line: /FAIL timeline\[8\]: requests naming "doomed-routes" on streams opened since the previous expect: expected =0, got [1-9]/,
    });
  });
});
