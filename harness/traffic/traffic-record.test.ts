import { expect } from "chai";
import {
  classifyError,
  isLoss,
  lossFlags,
  RequestTimeoutError,
  type TrafficRecord,
} from "./traffic-record.ts";
import { summarize } from "./traffic-summary.ts";

const record = (seq: number, extra: Partial<TrafficRecord>): TrafficRecord => ({
  seq,
  scheduledAt: 1000 + seq * 10,
  sentAt: 1000 + seq * 10 + 1,
  endedAt: 1000 + seq * 10 + 1 + seq,
  latencyMs: seq,
  ...extra,
});

describe("traffic/traffic-record", () => {
  it("counts errors, 5xx and Envoy loss flags as losses, and nothing else", () => {
    expect(isLoss(record(0, { status: 200 }))).to.equal(false);
    expect(isLoss(record(0, { status: 404 }))).to.equal(false);
    expect(isLoss(record(0, { status: 503 }))).to.equal(true);
    expect(isLoss(record(0, { error: "connect-reset" }))).to.equal(true);
    expect(isLoss(record(0, { status: 200, responseFlags: "-" }))).to.equal(false);
    expect(isLoss(record(0, { status: 200, responseFlags: "DI" }))).to.equal(false);
    expect(isLoss(record(0, { status: 200, responseFlags: "UF,URX" }))).to.equal(true);
    expect(lossFlags("NC")).to.deep.equal(["NC"]);
    expect(lossFlags("DI, UH")).to.deep.equal(["UH"]);
  });

  it("classifies node client errors, preferring a wrapped cause", () => {
    const withCode = (code: string) => Object.assign(new Error(code), { code });
    expect(classifyError(withCode("ECONNREFUSED"))).to.equal("connect-refused");
    expect(classifyError(withCode("ECONNRESET"))).to.equal("connect-reset");
    expect(classifyError(withCode("HPE_INVALID_CONSTANT"))).to.equal("protocol");
    expect(classifyError(withCode("ERR_HTTP2_ERROR"))).to.equal("protocol");
    expect(classifyError(new RequestTimeoutError(100))).to.equal("timeout");
    expect(classifyError(new Error("boom"))).to.equal("other");
    const cancelled = Object.assign(new Error("The pending stream has been canceled"), {
      code: "ERR_HTTP2_STREAM_CANCEL",
      cause: withCode("ECONNREFUSED"),
    });
    expect(classifyError(cancelled)).to.equal("connect-refused");
  });
});

describe("traffic/traffic-summary", () => {
  it("tallies backends, statuses, errors, losses, percentiles and rate", () => {
    const records = [
      ...Array.from({ length: 98 }, (_, i) => record(i, { status: 200, backend: i % 2 ? "v2" : "v1" })),
      record(98, { status: 503, responseFlags: "UH" }),
      record(99, { error: "connect-refused" }),
    ];
    const summary = summarize(records);
    expect(summary).to.deep.include({
      total: 100,
      losses: 2,
      byBackend: { v1: 49, v2: 49 },
      byStatus: { 200: 98, 503: 1 },
      byError: { "connect-refused": 1 },
      firstLossAt: records[98].sentAt,
      lastLossAt: records[99].sentAt,
      latencyP50Ms: 49,
      latencyP99Ms: 98,
      maxSendLagMs: 1,
    });
    // 100 sends spaced 10 ms apart: 99 intervals in 990 ms.
    expect(summary.achievedRatePerSec).to.be.closeTo(100, 1e-9);
  });

  it("summarizes an empty run without inventing figures", () => {
    expect(summarize([])).to.deep.equal({
      total: 0,
      losses: 0,
      byBackend: {},
      byStatus: {},
      byError: {},
      maxSendLagMs: 0,
    });
  });
});
