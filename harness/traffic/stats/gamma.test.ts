import { expect } from "chai";
import { chiSquareSurvival, logGamma, regularizedGammaP, regularizedGammaQ } from "./gamma.ts";

describe("traffic/stats/gamma", () => {
  it("logGamma matches ln of known factorials and Γ(1/2) = √π", () => {
    expect(logGamma(1)).to.be.closeTo(0, 1e-14);
    expect(logGamma(0.5)).to.be.closeTo(Math.log(Math.sqrt(Math.PI)), 1e-14);
    expect(logGamma(10)).to.be.closeTo(Math.log(362880), 1e-12);
    expect(logGamma(100)).to.be.closeTo(359.1342053695754, 1e-10);
    expect(logGamma(0.1)).to.be.closeTo(2.252712651734206, 1e-12);
  });

  it("P and Q are complementary on both sides of the series/continued-fraction switch", () => {
    for (const [a, x] of [
      [0.5, 0.1],
      [3, 2],
      [3, 5],
      [50, 45],
      [50, 60],
    ]) {
      expect(regularizedGammaP(a, x) + regularizedGammaQ(a, x)).to.be.closeTo(1, 1e-13);
    }
    // P(1, x) = 1 − e^{−x} in closed form.
    expect(regularizedGammaP(1, 2.5)).to.be.closeTo(1 - Math.exp(-2.5), 1e-14);
  });

  it("chi-square upper tail matches published critical values", () => {
    // Critical values from standard χ² tables (e.g. NIST/SEMATECH e-Handbook §1.3.6.7.4).
    const table: [df: number, x: number, p: number][] = [
      [1, 3.841459, 0.05],
      [1, 6.634897, 0.01],
      [1, 10.827566, 0.001],
      [2, 5.991465, 0.05],
      [3, 11.344867, 0.01],
      [4, 13.276704, 0.01],
      [10, 18.307038, 0.05],
      [100, 124.342113, 0.05],
    ];
    for (const [df, x, p] of table) {
      expect(chiSquareSurvival(x, df), `df=${df} x=${x}`).to.be.closeTo(p, p * 1e-5);
    }
    expect(chiSquareSurvival(3.841, 1)).to.be.closeTo(0.05, 1e-4);
    expect(chiSquareSurvival(13.277, 4)).to.be.closeTo(0.01, 1e-5);
    expect(chiSquareSurvival(0, 3)).to.equal(1);
  });

  it("rejects arguments outside the domain", () => {
    expect(() => logGamma(0)).to.throw(/expected x > 0, got 0/);
    expect(() => regularizedGammaQ(-1, 1)).to.throw(/expected a > 0/);
  });
});
