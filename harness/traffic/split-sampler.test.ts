import { expect } from "chai";
import { EchoBackend, type StartedEchoBackend } from "./echo-backend.ts";
import { driverSource, sampleSplit, sequentialPlan, simulatedSource } from "./split-sampler.ts";
import { mulberry32 } from "./stats/prng.ts";

const byBackend = (r: { backend?: string }) => r.backend;

/** Decisions of `runs` sequential samplings of a source with share p for "a". */
async function tally(plan: ReturnType<typeof sequentialPlan>, p: number, runs: number, seed: number) {
  const random = mulberry32(seed);
  const out = { "accept-h0": 0, "reject-h0": 0, inconclusive: 0, samples: 0, sent: 0 };
  for (let i = 0; i < runs; i++) {
    const result = await sampleSplit({
      source: simulatedSource(random, ["a", "b"], [p, 1 - p]),
      classify: byBackend,
      sequential: plan,
      batchSize: 250,
    });
    out[result.decision as "accept-h0"] += 1;
    out.samples += result.samples.length;
    out.sent += result.records.length;
  }
  return out;
}

describe("traffic/split-sampler", () => {
  // The traffic-split suite's 90/10 plan: α = 0.001 false-fail, 3 points tolerance, power 0.99.
  const plan = sequentialPlan("a", 0.9, 0.03, 0.001, 0.99);

  it("passes a correct 90/10 source well under the fixed-n size, never at the cap", async () => {
    const result = await tally(plan, 0.9, 200, 1);
    expect(result["reject-h0"], "false fails").to.be.at.most(2);
    expect(result.inconclusive, "inconclusive runs").to.equal(0);
    expect(result.samples / 200, "mean samples").to.be.lessThan(plan.maxSamples / 2);
  });

  it("fails a source 3 points off with the declared power, the cap costing almost none", async () => {
    const low = await tally(plan, 0.87, 200, 2);
    const high = await tally(plan, 0.93, 200, 3);
    expect(low["reject-h0"] + high["reject-h0"], "caught of 400").to.be.at.least(400 * 0.99 - 6);
    expect(low.inconclusive + high.inconclusive, "inconclusive of 400").to.be.at.most(4);
  });

  it("counts every record, stops feeding the test at its decision and renumbers seq across batches", async () => {
    const result = await sampleSplit({
      source: simulatedSource(mulberry32(5), ["a", "b"], [0.5, 0.5]),
      classify: byBackend,
      sequential: plan,
      batchSize: 100,
    });
    expect(result.decision).to.equal("reject-h0");
    expect(result.samples.length).to.equal(result.sprt!.n);
    expect(result.records.length % 100).to.equal(0);
    expect(result.records.map((r) => r.seq)).to.deep.equal(result.records.map((_, i) => i));
    expect(result.counts.a + result.counts.b).to.equal(result.samples.length);
  });

  it("collects a fixed number of samples, skipping records that are not samples", async () => {
    const result = await sampleSplit({
      source: simulatedSource(mulberry32(6), ["a", "b", "c"], [0.5, 0.3, 0.2]),
      classify: byBackend,
      fixedSamples: 1000,
      batchSize: 300,
      isSample: (r) => r.seq % 2 === 0,
    });
    expect(result.decision).to.equal("complete");
    expect(result.samples.length).to.equal(1000);
    expect(result.samples.every((r) => r.seq % 2 === 0)).to.equal(true);
    expect(result.records.length).to.be.within(1999, 2000);
  });

  it("keeps sampling past the SPRT's decision up to fixedSamples, without feeding the test", async () => {
    const result = await sampleSplit({
      source: simulatedSource(mulberry32(8), ["a", "b"], [0.5, 0.5]),
      classify: byBackend,
      sequential: plan,
      fixedSamples: 3000,
      batchSize: 500,
    });
    expect(result.decision).to.equal("reject-h0");
    expect(result.sprt!.n).to.be.lessThan(3000);
    expect(result.samples.length).to.equal(3000);
  });

  it("ends as inconclusive at the cap", async () => {
    const result = await sampleSplit({
      source: simulatedSource(mulberry32(7), ["a", "b"], [0.9, 0.1]),
      classify: byBackend,
      sequential: { ...plan, maxSamples: 50 },
      batchSize: 20,
    });
    expect(result.decision).to.equal("inconclusive");
    expect(result.samples.length).to.equal(50);
  });

  describe("through the load driver", () => {
    let backend: StartedEchoBackend;
    before(async () => (backend = await new EchoBackend("a").start()));
    after(() => backend.stop());

    it("records every request and the backend's own count agrees", async () => {
      const result = await sampleSplit({
        source: driverSource({ url: `http://${backend.address}/`, timeoutMs: 2000, concurrency: 4 }),
        classify: byBackend,
        fixedSamples: 300,
        batchSize: 128,
      });
      expect(result.counts).to.deep.equal({ a: 300 });
      expect(backend.getCount()).to.equal(result.records.length);
    });
  });
});
