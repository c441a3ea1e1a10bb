import { expect } from "chai";
import { mulberry32 } from "./prng.ts";
import { Sprt } from "./sprt.ts";

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
});
