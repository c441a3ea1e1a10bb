import { expect } from "chai";
import { normalCdf, normalQuantile } from "./normal.ts";

describe("traffic/stats/normal", () => {
  it("quantile matches R's qnorm to 1e-12", () => {
    const table: [p: number, z: number][] = [
      [0.5, 0],
      [0.9, 1.2815515655446004],
      [0.975, 1.959963984540054],
      [0.999, 3.090232306167813],
      [0.9995, 3.290526731491926],
      [0.025, -1.959963984540054],
      [1e-10, -6.361340902404056],
    ];
    for (const [p, z] of table) expect(normalQuantile(p), `p=${p}`).to.be.closeTo(z, 1e-12);
  });

  it("cdf inverts the quantile and matches known tail values", () => {
    for (const p of [0.001, 0.05, 0.3, 0.5, 0.8, 0.999]) {
      expect(normalCdf(normalQuantile(p)), `p=${p}`).to.be.closeTo(p, 1e-12);
    }
    expect(normalCdf(-3)).to.be.closeTo(0.0013498980316301, 1e-15);
    expect(normalCdf(1)).to.be.closeTo(0.8413447460685429, 1e-14);
  });

  it("rejects probabilities outside (0, 1)", () => {
    expect(() => normalQuantile(1)).to.throw(/expected 0 < p < 1, got 1/);
  });
});
