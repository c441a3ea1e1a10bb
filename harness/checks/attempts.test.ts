import { expect } from "chai";
import { attemptsFor, RUN_ERROR_BUDGET, withAttempts } from "./attempts.ts";

describe("checks/attempts", () => {
  it("sizes attempts so a statistically right check leaves the test wrong below the budget", () => {
    expect(attemptsFor(0)).to.equal(1);
    expect(attemptsFor(0.001)).to.equal(2); // a correct setup at α = 0.001: 1e-6
    expect(attemptsFor(0.01)).to.equal(3); // a twin at the tolerance with power 0.99: 1e-6
    expect(attemptsFor(0.05)).to.equal(5);
    for (const rate of [0.001, 0.01, 0.05, 0.2])
      expect(rate ** attemptsFor(rate)).to.be.at.most(RUN_ERROR_BUDGET * (1 + 1e-9));
    expect(() => attemptsFor(1)).to.throw(/below 1/);
  });

  it("stops at the wanted verdict, retries statistical outcomes, never an error", async () => {
    const seq = (verdicts: { verdict: string; reason?: string }[]) => {
      let i = 0;
      return () => Promise.resolve(verdicts[i++]!);
    };
    const passSecond = await withAttempts(2, "pass", seq([{ verdict: "fail" }, { verdict: "pass" }]));
    expect(passSecond.map((r) => r.verdict)).to.deep.equal(["fail", "pass"]);
    const alwaysFail = await withAttempts(
      2,
      "pass",
      seq([{ verdict: "fail" }, { verdict: "fail" }, { verdict: "pass" }]),
    );
    expect(alwaysFail.map((r) => r.verdict)).to.deep.equal(["fail", "fail"]);
    const errored = await withAttempts(3, "fail", seq([{ verdict: "fail", reason: "check errored: boom" }]));
    expect(errored).to.have.length(1);
    const once = await withAttempts(1, "pass", seq([{ verdict: "inconclusive" }, { verdict: "pass" }]));
    expect(once.map((r) => r.verdict)).to.deep.equal(["inconclusive"]);
  });
});
