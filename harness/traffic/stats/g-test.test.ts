import { expect } from "chai";
import { gTest } from "./g-test.ts";
import { normalCdf } from "./normal.ts";

describe("traffic/stats/g-test", () => {
  it("matches McDonald's worked example (Mendel's peas, 423 smooth : 133 wrinkled vs 3:1)", () => {
    // Handbook of Biological Statistics, "G–test of goodness-of-fit": G = 0.35, 1 d.f., P = 0.555.
    const result = gTest([423, 133], [3, 1]);
    expect(result.df).to.equal(1);
    expect(result.expected).to.deep.equal([417, 139]);
    expect(result.g).to.be.closeTo(0.35, 0.005);
    expect(result.pValue).to.be.closeTo(0.555, 0.003);
    // With one degree of freedom the χ² tail is 2(1 − Φ(√G)): an independent route to the same p.
    expect(result.pValue).to.be.closeTo(2 * (1 - normalCdf(Math.sqrt(result.g))), 1e-12);
  });

  it("gives G = 0 and p = 1 when the counts equal the expectation", () => {
    const result = gTest([100, 200, 300, 400], [1, 2, 3, 4]);
    expect(result.g).to.be.closeTo(0, 1e-12);
    expect(result.pValue).to.be.closeTo(1, 1e-12);
    expect(result.df).to.equal(3);
  });

  it("rejects a clearly wrong split and treats empty categories as the limit 0·ln 0", () => {
    const result = gTest([0, 100], [1, 1]);
    expect(result.g).to.be.closeTo(200 * Math.log(2), 1e-9);
    expect(result.pValue).to.be.lessThan(1e-20);
  });

  it("applies Williams' correction q = 1 + (k² − 1)/(6n(k − 1))", () => {
    const plain = gTest([30, 20, 10], [1, 1, 1]);
    const corrected = gTest([30, 20, 10], [1, 1, 1], true);
    expect(corrected.g).to.be.closeTo(plain.g / (1 + 8 / (6 * 60 * 2)), 1e-12);
    expect(corrected.pValue).to.be.greaterThan(plain.pValue);
  });

  it("refuses weight-0 categories, which need an exact zero-count check", () => {
    expect(() => gTest([5, 0], [1, 0])).to.throw(/weights\[1\]: expected > 0, got 0/);
  });
});
