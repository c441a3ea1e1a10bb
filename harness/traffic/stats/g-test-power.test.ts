import { expect } from "chai";
import { gTest } from "./g-test.ts";
import {
  chiSquareQuantileUpper,
  gTestPower,
  gTestSampleSize,
  leastFavourableEffect,
  noncentralChiSquareSurvival,
} from "./g-test-power.ts";
import { mulberry32 } from "./prng.ts";

/** Counts of n draws from the categorical distribution `shares`. */
function draw(random: () => number, shares: readonly number[], n: number): number[] {
  const counts = shares.map(() => 0);
  for (let i = 0; i < n; i++) {
    let u = random();
    let k = 0;
    while (k < shares.length - 1 && u >= shares[k]) u -= shares[k++];
    counts[k] += 1;
  }
  return counts;
}

describe("traffic/stats/g-test-power", () => {
  it("inverts the χ² survival function (table values)", () => {
    expect(chiSquareQuantileUpper(0.05, 1)).to.be.closeTo(3.841, 1e-3);
    expect(chiSquareQuantileUpper(0.001, 2)).to.be.closeTo(13.816, 1e-3);
    expect(chiSquareQuantileUpper(0.001, 4)).to.be.closeTo(18.467, 1e-3);
  });

  it("reduces to the central χ² at λ = 0 and grows with λ", () => {
    expect(noncentralChiSquareSurvival(3.841, 1, 0)).to.be.closeTo(0.05, 1e-3);
    // Exact value for df 1, λ 10 at the 5 % critical value: Φ(√10 − 1.96) + Φ(−√10 − 1.96) ≈ 0.885.
    expect(noncentralChiSquareSurvival(3.841, 1, 10)).to.be.closeTo(0.8854, 1e-3);
  });

  it("takes the least favourable deviation at the share nearest 1/2", () => {
    expect(leastFavourableEffect([50, 30, 20], 0.03)).to.be.closeTo(0.0009 / 0.25, 1e-12);
    expect(leastFavourableEffect([90, 10], 0.03)).to.be.closeTo(0.0009 / 0.09, 1e-12);
  });

  it("sizes a 3-way test that catches a 3-point shift with the requested power (simulated)", () => {
    const weights = [50, 30, 20];
    const alpha = 0.01;
    const n = gTestSampleSize(weights, 0.03, alpha, 0.9);
    expect(gTestPower(n, leastFavourableEffect(weights, 0.03), 2, alpha)).to.be.at.least(0.9);
    // The least favourable alternative: +3 points on the 50 % target, the rest absorbing it pro rata.
    const alternative = [0.53, 0.3 - 0.03 * 0.6, 0.2 - 0.03 * 0.4];
    const random = mulberry32(11);
    const runs = 400;
    let caught = 0;
    let falseFails = 0;
    for (let i = 0; i < runs; i++) {
      if (gTest(draw(random, alternative, n), weights).pValue < alpha) caught += 1;
      if (gTest(draw(random, [0.5, 0.3, 0.2], n), weights).pValue < alpha) falseFails += 1;
    }
    expect(caught / runs, `power at n=${n}`).to.be.at.least(0.9 - 3 * Math.sqrt(0.09 / runs));
    expect(falseFails / runs, "false-fail rate").to.be.at.most(alpha + 3 * Math.sqrt(alpha / runs));
  });

  it("refuses weights it cannot test", () => {
    expect(() => gTestSampleSize([1], 0.03, 0.001, 0.99)).to.throw(/at least 2/);
    expect(() => gTestSampleSize([1, 0], 0.03, 0.001, 0.99)).to.throw(/weights\[1\]/);
  });
});
