import { expect } from "chai";
import net from "node:net";
import { EchoBackend, type StartedEchoBackend } from "./echo-backend.ts";
import { isLoss, runConstantRate, runFixedCount, summarize, type TrafficRecord } from "./load-driver.ts";

/** A loopback port with nothing listening: bound, read, released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Every record is complete and consistent, one per seq 0..n−1, answered 200 by `backend`. */
function expectAllAnswered(records: TrafficRecord[], count: number, backend: string): void {
  expect(records.map((r) => r.seq)).to.deep.equal([...Array(count).keys()]);
  for (const r of records) {
    const where = `record ${r.seq}: ${JSON.stringify(r)}`;
    expect(r.error, where).to.equal(undefined);
    expect(r.status, where).to.equal(200);
    expect(r.backend, where).to.equal(backend);
    expect(r.sentAt, where).to.be.at.least(r.scheduledAt);
    expect(r.endedAt, where).to.be.at.least(r.sentAt);
    expect(r.latencyMs, where).to.be.closeTo(r.endedAt - r.sentAt, 1e-9);
    expect(isLoss(r), where).to.equal(false);
  }
}

describe("traffic/load-driver", function () {
  this.timeout(20_000);
  let v1: StartedEchoBackend;
  let v2: StartedEchoBackend;
  const extra: StartedEchoBackend[] = [];

  before(async () => {
    v1 = await new EchoBackend("v1").start();
    v2 = await new EchoBackend("v2").withProtocol("h2c").start();
  });
  beforeEach(() => {
    v1.resetCount();
    v2.resetCount();
  });
  afterEach(async () => {
    await Promise.all(extra.splice(0).map((b) => b.stop()));
  });
  after(async () => {
    await Promise.all([v1?.stop(), v2?.stop()]);
  });

  it("fixed count over HTTP/1.1 keep-alive: 200 records match the server's count", async () => {
    const records = await runFixedCount({
      url: `http://${v1.address}/a`,
      count: 200,
      concurrency: 8,
      timeoutMs: 5000,
    });
    expectAllAnswered(records, 200, "v1");
    expect(v1.getCount()).to.equal(200);
    expect(v2.getCount()).to.equal(0);
    expect(v1.getConnectionCount(), "connections reused by 8 workers").to.be.at.most(8);
    expect(summarize(records)).to.include({ total: 200, losses: 0 });
  });

  it("fixed count over h2c on one multiplexed session", async () => {
    const records = await runFixedCount({
      url: `http://${v2.address}/b`,
      count: 200,
      concurrency: 8,
      timeoutMs: 5000,
      protocol: "h2c",
      headers: { host: "example.test", connection: "keep-alive", "x-test": "1" },
    });
    expectAllAnswered(records, 200, "v2");
    expect(v2.getCount()).to.equal(200);
    expect(v2.getConnectionCount()).to.equal(1);
  });

  it("opens a new connection per request when asked (HTTP/1.1 and h2c)", async () => {
    const h1 = await runFixedCount({
      url: `http://${v1.address}/`,
      count: 20,
      concurrency: 4,
      timeoutMs: 5000,
      newConnectionPerRequest: true,
    });
    expectAllAnswered(h1, 20, "v1");
    expect(v1.getConnectionCount()).to.equal(20);
    const h2 = await runFixedCount({
      url: `http://${v2.address}/`,
      count: 20,
      concurrency: 4,
      timeoutMs: 5000,
      newConnectionPerRequest: true,
      protocol: "h2c",
    });
    expectAllAnswered(h2, 20, "v2");
    expect(v2.getConnectionCount()).to.equal(20);
  });

  it("constant rate: 1 s at 200 req/s sends 200 requests on schedule", async () => {
    const records = await runConstantRate({
      url: `http://${v1.address}/rate`,
      ratePerSec: 200,
      durationMs: 1000,
      timeoutMs: 5000,
    });
    expectAllAnswered(records, 200, "v1");
    expect(v1.getCount()).to.equal(200);
    const t0 = records[0].scheduledAt;
    records.forEach((r) =>
      expect(r.scheduledAt - t0, `scheduledAt of ${r.seq}`).to.be.closeTo(r.seq * 5, 1e-6),
    );
    const summary = summarize(records);
    expect(summary.achievedRatePerSec, JSON.stringify(summary)).to.be.within(180, 220);
    expect(summary.maxSendLagMs, "send lag on a shared 2-core machine").to.be.lessThan(200);
  });

  it("constant rate is open loop: 200 ms responses do not slow the sending", async () => {
    const slow = await new EchoBackend("slow").withDelayMs(200).start();
    extra.push(slow);
    const records = await runConstantRate({
      url: `http://${slow.address}/`,
      ratePerSec: 200,
      durationMs: 500,
      timeoutMs: 5000,
    });
    expectAllAnswered(records, 100, "slow");
    const summary = summarize(records);
    // A closed loop with one connection would manage 5 req/s here; open loop keeps the offered 200 req/s.
    expect(summary.achievedRatePerSec, JSON.stringify(summary)).to.be.within(180, 220);
    // Request 30 is due 150 ms in, while request 0 is still held for 200 ms.
    expect(records[30].sentAt, "request 30 sent before request 0 was answered").to.be.lessThan(
      records[0].endedAt,
    );
    expect(summary.latencyP50Ms).to.be.at.least(199);
    expect(slow.getCount()).to.equal(100);
  });

  it("constant rate over h2c with a count bound", async () => {
    const records = await runConstantRate({
      url: `http://${v2.address}/`,
      ratePerSec: 400,
      count: 40,
      timeoutMs: 5000,
      protocol: "h2c",
    });
    expectAllAnswered(records, 40, "v2");
    expect(v2.getCount()).to.equal(40);
  });

  for (const protocol of ["http1", "h2c"] as const) {
    it(`records connect-refused for a closed port (${protocol})`, async () => {
      const port = await closedPort();
      const records = await runFixedCount({
        url: `http://127.0.0.1:${port}/`,
        count: 5,
        concurrency: 2,
        timeoutMs: 2000,
        protocol,
      });
      expect(records).to.have.length(5);
      for (const r of records) {
        expect(r.error, JSON.stringify(r)).to.equal("connect-refused");
        expect(r.status).to.equal(undefined);
        expect(isLoss(r)).to.equal(true);
      }
      expect(summarize(records)).to.deep.include({ losses: 5, byError: { "connect-refused": 5 } });
    });
  }

  it("records a timeout when the response takes longer than timeoutMs", async () => {
    const slow = await new EchoBackend("stuck").withDelayMs(10_000).start();
    extra.push(slow);
    const records = await runFixedCount({
      url: `http://${slow.address}/`,
      count: 2,
      concurrency: 2,
      timeoutMs: 100,
    });
    for (const r of records) {
      expect(r.error, JSON.stringify(r)).to.equal("timeout");
      expect(r.latencyMs).to.be.within(95, 1000);
    }
  });

  it("records a protocol error when HTTP/1.1 talks to an h2c-only backend", async () => {
    const records = await runFixedCount({
      url: `http://${v2.address}/`,
      count: 1,
      concurrency: 1,
      timeoutMs: 2000,
    });
    expect(records[0].error, JSON.stringify(records[0])).to.equal("protocol");
  });

  it("counts 503 answers as losses with their backend", async () => {
    const down = await new EchoBackend("down").withStatus(503).start();
    extra.push(down);
    const records = await runFixedCount({
      url: `http://${down.address}/`,
      count: 10,
      concurrency: 2,
      timeoutMs: 2000,
    });
    expect(records.every((r) => r.status === 503 && r.backend === "down" && isLoss(r))).to.equal(true);
    expect(summarize(records)).to.deep.include({
      losses: 10,
      byStatus: { 503: 10 },
      byBackend: { down: 10 },
    });
  });

  it("stops scheduling when aborted; every sent request still has a record", async () => {
    const controller = new AbortController();
    const run = runConstantRate({
      url: `http://${v1.address}/`,
      ratePerSec: 100,
      count: 10_000,
      timeoutMs: 2000,
      signal: controller.signal,
    });
    const deadline = performance.now() + 5000;
    while (v1.getCount() < 5) {
      if (performance.now() > deadline)
        throw new Error(`backend v1: expected 5 requests within 5000ms, got ${v1.getCount()}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    controller.abort();
    const records = await run;
    expect(records.length).to.be.within(5, 100);
    expect(v1.getCount()).to.equal(records.length);
    expectAllAnswered(records, records.length, "v1");
  });

  it("refuses unbounded or malformed runs", async () => {
    const url = `http://${v1.address}/`;
    let message = "";
    await runConstantRate({ url, ratePerSec: 10, timeoutMs: 100 }).catch((e: Error) => (message = e.message));
    expect(message).to.match(/expected durationMs or count, got neither/);
    await runFixedCount({ url: "https://127.0.0.1/", count: 1, concurrency: 1, timeoutMs: 100 }).catch(
      (e: Error) => (message = e.message),
    );
    expect(message).to.match(/expected an http:\/\/ URL \(cleartext\)/);
  });
});
