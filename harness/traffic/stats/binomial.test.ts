import { expect } from "chai";
import { binomialLogPmf, binomialTestTwoSided } from "./binomial.ts";

describe("traffic/stats/binomial", () => {
  it("pmf sums to 1 and matches a closed form", () => {
    let total = 0;
    for (let k = 0; k <= 30; k++) total += Math.exp(binomialLogPmf(k, 30, 0.37));
    expect(total).to.be.closeTo(1, 1e-12);
    expect(Math.exp(binomialLogPmf(3, 5, 0.5))).to.be.closeTo(10 / 32, 1e-14);
  });

  it("matches R's binom.test reference p-values", () => {
    // R: binom.test(7, 20, 0.5)$p.value = 0.2632 (exactly 2·P(X ≤ 7)).
    expect(binomialTestTwoSided(7, 20, 0.5)).to.be.closeTo(0.263176, 1e-6);
    // R documentation example (Mendel's peas): binom.test(682, 925, p = 0.75), p-value = 0.3825.
    expect(binomialTestTwoSided(682, 925, 0.75)).to.be.closeTo(0.3825, 5e-5);
    // binom.test(0, 10, 0.5): both extreme outcomes, 2 · 0.5^10.
    expect(binomialTestTwoSided(0, 10, 0.5)).to.be.closeTo(2 / 1024, 1e-15);
    expect(binomialTestTwoSided(5, 10, 0.5)).to.equal(1);
  });

  it("sums the probabilities of outcomes no more likely than the observed one (asymmetric p)", () => {
    const n = 40;
    const p = 0.9;
    const x = 31;
    const observed = Math.exp(binomialLogPmf(x, n, p));
    let want = 0;
    for (let k = 0; k <= n; k++) {
      const f = Math.exp(binomialLogPmf(k, n, p));
      if (f <= observed * (1 + 1e-7)) want += f;
    }
    expect(binomialTestTwoSided(x, n, p)).to.be.closeTo(want, 1e-12);
    expect(binomialTestTwoSided(x, n, p)).to.be.lessThan(0.05);
  });

  it("rejects impossible counts", () => {
    expect(() => binomialTestTwoSided(11, 10, 0.5)).to.throw(
      /successes: expected an integer in \[0, 10\], got 11/,
    );
  });
});
