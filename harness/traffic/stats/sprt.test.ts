import { expect } from "chai";
import { mulberry32 } from "./prng.ts";
import { fixedSampleSize } from "./sample-size.ts";
import { SplitSprt, type SplitSprtOptions } from "./split-sprt.ts";
import { Sprt } from "./sprt.ts";

/** Runs a fresh test per repetition on Bernoulli(p) samples from one seeded stream. */
function simulate(options: SplitSprtOptions, p: number, runs: number, seed: number) {
  const random = mulberry32(seed);
  const tally = { "accept-h0": 0, "reject-h0": 0, inconclusive: 0, continue: 0, samples: 0 };
  for (let i = 0; i < runs; i++) {
    const test = new SplitSprt(options);
    let state = test.state();
    while (state.decision === "continue") state = test.add(random() < p);
    tally[state.decision] += 1;
    tally.samples += state.n;
  }
  return { ...tally, meanSamples: tally.samples / runs };
}

/** Three standard errors of a rate estimated from `runs` repetitions. */
const margin = (rate: number, runs: number) => 3 * Math.sqrt((rate * (1 - rate)) / runs);

describe("traffic/stats/sprt", () => {
  it("walks the log-likelihood ratio by Wald's steps and stops at his boundaries", () => {
    const test = new Sprt({ p0: 0.5, p1: 0.75, alpha: 0.05, beta: 0.2 });
    expect(test.upperBound).to.be.closeTo(Math.log(0.8 / 0.05), 1e-12);
    expect(test.lowerBound).to.be.closeTo(Math.log(0.2 / 0.95), 1e-12);
    expect(test.add(true).llr).to.be.closeTo(Math.log(1.5), 1e-12);
    expect(test.add(false).llr).to.be.closeTo(Math.log(1.5) + Math.log(0.5), 1e-12);
    // From ln 0.75, (ln 16 − ln 0.75) / ln 1.5 ≈ 7.55: the eighth success in a row crosses ln A.
    const final = test.addAll(Array(20).fill(true));
    expect(final).to.include({ decision: "reject-h0", n: 10, successes: 9 });
    expect(test.add(false)).to.deep.equal(final);
  });

  it("stops as inconclusive at the sample cap", () => {
    const test = new Sprt({ p0: 0.5, p1: 0.6, alpha: 0.01, beta: 0.01, maxSamples: 10 });
    const state = test.addAll([true, false, true, false, true, false, true, false, true, false, true]);
    expect(state).to.include({ decision: "inconclusive", n: 10 });
  });

  it("one-sided SPRT keeps Wald's error bounds in simulation", () => {
    const random = mulberry32(7);
    const runs = 2000;
    const options = { p0: 0.5, p1: 0.6, alpha: 0.05, beta: 0.1 };
    let falseRejects = 0;
    let falseAccepts = 0;
    for (let i = 0; i < runs; i++) {
      const underH0 = new Sprt(options);
      while (underH0.state().decision === "continue") underH0.add(random() < 0.5);
      if (underH0.state().decision === "reject-h0") falseRejects += 1;
      const underH1 = new Sprt(options);
      while (underH1.state().decision === "continue") underH1.add(random() < 0.6);
      if (underH1.state().decision === "accept-h0") falseAccepts += 1;
    }
    expect(falseRejects / runs).to.be.at.most(0.05 / 0.9 + margin(0.05, runs));
    expect(falseAccepts / runs).to.be.at.most(0.1 / 0.95 + margin(0.1, runs));
  });

  describe("SplitSprt (90/10 split, tolerance 3 points)", () => {
    const options: SplitSprtOptions = {
      expected: 0.9,
      tolerance: 0.03,
      alpha: 0.05,
      beta: 0.1,
      maxSamples: 20_000,
    };
    const runs = 1500;
    const fixedN = fixedSampleSize(0.9, 0.03, 0.05, 0.9);

    it("fails a correct 90/10 source at most at rate α, with fewer samples than fixed-n", () => {
      const result = simulate(options, 0.9, runs, 1);
      expect(result["reject-h0"] / runs, "false-fail rate").to.be.at.most(0.05 + margin(0.05, runs));
      expect(result.inconclusive, "inconclusive runs").to.equal(0);
      expect(result.meanSamples, `average samples vs fixed n=${fixedN}`).to.be.lessThan(fixedN);
    });

    it("catches an 87/13 source with probability at least 1 − β, with fewer samples than fixed-n", () => {
      const result = simulate(options, 0.87, runs, 2);
      expect(result["accept-h0"] / runs, "missed-deviation rate").to.be.at.most(0.1 + margin(0.1, runs));
      expect(result.meanSamples, `average samples vs fixed n=${fixedN}`).to.be.lessThan(fixedN);
    });

    it("catches a 93/7 source as well (the other side)", () => {
      const result = simulate(options, 0.93, runs, 3);
      expect(result["accept-h0"] / runs, "missed-deviation rate").to.be.at.most(0.1 + margin(0.1, runs));
    });

    it("reports inconclusive when the cap is too small to decide", () => {
      const result = simulate({ ...options, maxSamples: 50 }, 0.9, 100, 4);
      expect(result.inconclusive).to.equal(100);
    });
  });

  it("drops the side that would leave (0, 1) and gives the other side the whole α", () => {
    const test = new SplitSprt({ expected: 0.98, tolerance: 0.05, alpha: 0.01, beta: 0.1, maxSamples: 1000 });
    expect(test.state().above).to.equal(undefined);
    const state = test.addAll(Array(400).fill(false));
    expect(state.decision).to.equal("reject-h0");
    expect(state.below?.decision).to.equal("reject-h0");
  });
});
