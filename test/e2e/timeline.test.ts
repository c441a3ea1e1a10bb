// Fixture timelines through real Envoy: the smoke fixture and a make-before-break switch under load.
import { expect } from "chai";
import { loadFixture } from "../../harness/fixtures/load.ts";
import { startScenario } from "../../harness/scenario/scenario.ts";
import { runTimeline } from "../../harness/scenario/timeline.ts";
import { projectPath } from "../../harness/util/paths.ts";

describe("e2e: fixture timelines through real Envoy", function () {
  this.timeout(60_000);
  for (const name of ["smoke", "switch-cluster"]) {
    it(`${name}.yaml: every expectation holds (SotW ADS)`, async () => {
      const fixture = loadFixture(projectPath("fixtures", "scenarios", `${name}.yaml`));
      const { stack, fixture: rendered } = await startScenario(fixture, {
        variant: { transport: "sotw", mode: "ads" },
      });
      try {
        const result = await runTimeline(stack, rendered);
        expect(result.expectations.length).to.be.greaterThan(0);
        const failed = result.expectations.filter((e) => !e.ok);
        expect(failed, failed.map((f) => f.message).join("\n")).to.deep.equal([]);
      } finally {
        await stack.stop();
      }
    });
  }
});
