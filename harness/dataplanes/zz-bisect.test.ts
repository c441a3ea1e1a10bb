import { expect } from "chai";
import { toTrafficRecord } from "./proxyless.ts";
const times = { seq: 4, scheduledAt: 1, sentAt: 2, endedAt: 5, latencyMs: 3 };
describe("bisect", () => {
  it("a", () => {
    expect(toTrafficRecord({ ...times, status: "OK", backend: "v1" })).to.deep.equal({ ...times, status: 200, backend: "v1" });
  });
  it("b", () => {
    const out = toTrafficRecord({ ...times, status: "UNAVAILABLE", error: "x" });
    expect(out.status, "s").to.equal(503);
  });
});
