import { expect } from "chai";
import type { Verdict } from "../../../harness/checks/types.ts";
import { summarize } from "../../../harness/traffic/load-driver.ts";
import { sampleSplit, simulatedSource, type SplitSample } from "../../../harness/traffic/split-sampler.ts";
import { mulberry32 } from "../../../harness/traffic/stats/prng.ts";
import { judgeSplit } from "./judge.ts";
import { ALPHA, fixedSamples, POWER, sprtPlan, type SplitPlan } from "./plan.ts";

const statistics = { alpha: ALPHA, tolerance: 0.03, power: POWER };
const SPRT_90_10: SplitPlan = {
  weights: { a: 90, b: 10 },
  statistics,
  method: { kind: "sprt", target: "b" },
};
const G_3_WAY: SplitPlan = { weights: { a: 50, b: 30, c: 20 }, statistics, method: { kind: "g-test" } };

/** Samples `plan` from seeded draws with the given true shares, as the checks do from a data plane. */
async function sampled(plan: SplitPlan, shares: number[], seed: number): Promise<SplitSample> {
  const names = Object.keys(plan.weights);
  const fixed = fixedSamples(plan);
  return sampleSplit({
    source: simulatedSource(mulberry32(seed), names, shares),
    classify: (r) => (r.backend && r.backend in plan.weights ? r.backend : undefined),
    sequential: sprtPlan(plan),
    fixedSamples: fixed > 0 ? fixed : undefined,
    batchSize: 400,
  });
}

function judged(plan: SplitPlan, result: SplitSample): Verdict {
  const counts = summarize(result.records).byBackend;
  return judgeSplit(plan, result, counts);
}

/** The "split statistics" evidence: its inline excerpt and the metrics written to split.json. */
function splitStatistics(verdict: Verdict) {
  const evidence = verdict.evidence.find((e) => e.label === "split statistics");
  expect(evidence, "split statistics evidence").to.not.equal(undefined);
  const content = evidence!.content as { metrics: Record<string, unknown> };
  return { excerpt: JSON.parse(evidence!.excerpt!) as Record<string, unknown>, content: content.metrics };
}

describe("judgeSplit evidence", () => {
  it("an SPRT verdict's excerpt carries the statistic, sprtN and cap (pass on a correct split)", async () => {
    const verdict = judged(SPRT_90_10, await sampled(SPRT_90_10, [0.9, 0.1], 1));
    expect(verdict.verdict, verdict.reason).to.equal("pass");
    const { excerpt, content } = splitStatistics(verdict);
    expect(excerpt.statistic)
      .to.be.a("string")
      .and.match(/^SPRT LLR /);
    expect(excerpt.sprtN).to.be.a("number").above(0);
    expect(excerpt.cap).to.equal(sprtPlan(SPRT_90_10)!.maxSamples);
    expect(excerpt.exactPower).to.be.a("number");
    expect(excerpt).to.deep.equal(verdict.metrics);
    expect(content).to.deep.equal(verdict.metrics);
  });

  it("so does a failing SPRT verdict (b at 13 % for 10 %)", async () => {
    const verdict = judged(SPRT_90_10, await sampled(SPRT_90_10, [0.87, 0.13], 2));
    expect(verdict.verdict, verdict.reason).to.equal("fail");
    const { excerpt } = splitStatistics(verdict);
    expect(excerpt.statistic).to.match(/^SPRT LLR /);
    expect(excerpt.sprtN).to.equal(verdict.metrics!.sprtN);
    expect(excerpt.cap).to.equal(verdict.metrics!.cap);
  });

  it("a G-test verdict's excerpt carries G, df and the p-value", async () => {
    const verdict = judged(G_3_WAY, await sampled(G_3_WAY, [0.5, 0.3, 0.2], 3));
    expect(verdict.verdict, verdict.reason).to.equal("pass");
    const { excerpt } = splitStatistics(verdict);
    expect(excerpt.statistic).to.match(/^G .*, df 2, p /);
    expect(excerpt.pValue).to.be.a("number");
    expect(excerpt).to.deep.equal(verdict.metrics);
  });
});
