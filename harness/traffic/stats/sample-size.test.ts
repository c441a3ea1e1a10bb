import { expect } from "chai";
import { fixedSampleSize } from "./sample-size.ts";

describe("traffic/stats/sample-size", () => {
  it("matches the one-sample proportion formula worked by hand", () => {
    // p0 = 0.5, p1 = 0.6 (δ = 0.1), α = 0.05, power 0.8:
    // ((1.959964 · 0.5 + 0.841621 · √0.24) / 0.1)² = 193.8 → 194 (p1 = 0.4 gives the same).
    expect(fixedSampleSize(0.5, 0.1, 0.05, 0.8)).to.equal(194);
    // p0 = 0.9, δ = 0.03, α = 0.05, power 0.9: the p1 = 0.87 side has more variance and decides.
    // ((1.959964 · 0.3 + 1.281552 · √(0.87 · 0.13)) / 0.03)² = 1153.9 → 1154.
    expect(fixedSampleSize(0.9, 0.03, 0.05, 0.9)).to.equal(1154);
  });

  it("grows with stricter α, higher power and smaller δ", () => {
    const base = fixedSampleSize(0.9, 0.05, 0.01, 0.9);
    expect(fixedSampleSize(0.9, 0.05, 0.001, 0.9)).to.be.greaterThan(base);
    expect(fixedSampleSize(0.9, 0.05, 0.01, 0.99)).to.be.greaterThan(base);
    expect(fixedSampleSize(0.9, 0.025, 0.01, 0.9)).to.be.greaterThan(3 * base);
  });

  it("skips an alternative outside (0, 1)", () => {
    expect(fixedSampleSize(0.98, 0.05, 0.05, 0.8)).to.be.greaterThan(0);
    expect(() => fixedSampleSize(0.5, 0.6, 0.05, 0.8)).to.throw(/delta: expected p0 ± delta/);
  });
});
