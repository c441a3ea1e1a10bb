import { expect } from "chai";
import { clopperPearsonInterval, wilsonInterval } from "./proportion-intervals.ts";

describe("traffic/stats/proportion-intervals", () => {
  it("Clopper-Pearson matches R's binom.test conf.int", () => {
    // R: binom.test(7, 20)$conf.int = [0.1539092, 0.5921885]
    const small = clopperPearsonInterval(7, 20);
    expect(small.lower).to.be.closeTo(0.1539092, 1e-7);
    expect(small.upper).to.be.closeTo(0.5921885, 1e-7);
    // R documentation example: binom.test(682, 925, 0.75)$conf.int = [0.7076683, 0.7654066]
    const large = clopperPearsonInterval(682, 925);
    expect(large.lower).to.be.closeTo(0.7076683, 1e-7);
    expect(large.upper).to.be.closeTo(0.7654066, 1e-7);
  });

  it("Clopper-Pearson has closed forms at 0 and n successes", () => {
    // 0 of n: upper = 1 − (α/2)^(1/n).
    const none = clopperPearsonInterval(0, 10);
    expect(none.lower).to.equal(0);
    expect(none.upper).to.be.closeTo(1 - Math.pow(0.025, 1 / 10), 1e-12);
    const all = clopperPearsonInterval(10, 10, 0.99);
    expect(all.lower).to.be.closeTo(Math.pow(0.005, 1 / 10), 1e-12);
    expect(all.upper).to.equal(1);
  });

  it("Wilson matches R's prop.test(7, 20, correct = FALSE)$conf.int", () => {
    const interval = wilsonInterval(7, 20);
    expect(interval.lower).to.be.closeTo(0.1811918, 1e-7);
    expect(interval.upper).to.be.closeTo(0.5671457, 1e-7);
  });

  it("rejects an empty sample", () => {
    expect(() => wilsonInterval(0, 0)).to.throw(/trials: expected at least 1, got 0/);
  });
});
