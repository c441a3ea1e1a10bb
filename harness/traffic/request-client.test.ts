import { expect } from "chai";
import { settleOnce } from "./request-client.ts";

describe("settleOnce", () => {
  it("keeps the response head and settles on the first finish; later reports are ignored", async () => {
    const outcome = await settleOnce(1000, (sink) => {
      sink.response({ status: 200, backend: "v1" });
      sink.finish();
      sink.fail(Object.assign(new Error("late reset"), { code: "ECONNRESET" }));
      return () => expect.fail("a settled request is not aborted");
    });
    expect(outcome).to.include({ status: 200, backend: "v1" });
    expect(outcome.error).to.equal(undefined);
    expect(outcome.endedAt).to.be.a("number");
  });

  it("fails with a timeout after timeoutMs and aborts the request with that error", async () => {
    let aborted: Error | undefined;
    const outcome = await settleOnce(20, () => (error) => (aborted = error));
    expect(outcome.error).to.equal("timeout");
    expect(aborted?.message).to.equal(outcome.errorMessage);
  });

  it("turns a throwing start into a failed outcome, not a rejection", async () => {
    const outcome = await settleOnce(1000, () => {
      throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    });
    expect(outcome).to.include({ error: "connect-refused", errorMessage: "connect ECONNREFUSED" });
  });
});
