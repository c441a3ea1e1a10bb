// Traffic-split statistics, measured in one run (npx tsx bench/split.ts [--runs 200] [--budget-ms 300000]):
// 1. samples the SPRT needs to reach a verdict vs the fixed-n test at the same α and power (the peer), for
//    90/10 and 50/50 with a 3-point tolerance — simulated with a seeded PRNG, then through real Envoy;
// 2. the false-fail rate of the 90/10 check over repeated runs against real Envoy (each run = one full
//    check evaluation on a correct data plane: fresh stack, Envoy, sampling, verdict).
// Writes reports/bench/split.json and prints the ratios (goal: SPRT ≤ 40 % of fixed n) and the rate.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { runOne } from "../harness/checks/runner.ts";
import { loadFixture } from "../harness/fixtures/load.ts";
import { startScenario } from "../harness/scenario/scenario.ts";
import {
  driverSource,
  sampleSplit,
  sequentialPlan,
  simulatedSource,
} from "../harness/traffic/split-sampler.ts";
import { mulberry32 } from "../harness/traffic/stats/prng.ts";
import { fixedSampleSize } from "../harness/traffic/stats/sample-size.ts";
import { projectPath } from "../harness/util/paths.ts";
import { ALPHA, POWER } from "../suites/traffic-split/support/plan.ts";
import { weighted9010 } from "../suites/traffic-split/weighted-90-10.ts";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const FALSE_FAIL_RUNS = arg("runs", 200);
const BUDGET_MS = arg("budget-ms", 300_000);
const SIMULATED_RUNS = arg("sim-runs", 2000);
const ENVOY_RUNS = arg("envoy-runs", 20);
const TOLERANCE = 0.03;

const CASES = [
  { name: "90/10", fixture: "weighted-90-10.yaml", shares: [0.9, 0.1] },
  { name: "50/50", fixture: "weighted-50-50.yaml", shares: [0.5, 0.5] },
];

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))];

async function simulate(shares: number[], p: number, runs: number, seed: number) {
  const plan = sequentialPlan("b", shares[1], TOLERANCE, ALPHA, POWER);
  const random = mulberry32(seed);
  const n: number[] = [];
  const decisions: Record<string, number> = {};
  for (let i = 0; i < runs; i++) {
    // Batch 1: the exact number of samples the test needed, no overshoot.
    const r = await sampleSplit({
      source: simulatedSource(random, ["a", "b"], [1 - p, p]),
      classify: (x) => x.backend,
      sequential: plan,
      batchSize: 1,
    });
    n.push(r.sprt!.n);
    decisions[r.decision] = (decisions[r.decision] ?? 0) + 1;
  }
  return {
    p,
    runs,
    meanSamples: mean(n),
    p90Samples: quantile(n, 0.9),
    maxSamples: Math.max(...n),
    decisions,
  };
}

async function throughEnvoy(fixture: string, shares: number[], runs: number) {
  const plan = sequentialPlan("b", shares[1], TOLERANCE, ALPHA, POWER);
  const f = loadFixture(projectPath("fixtures", "scenarios", "traffic-split", fixture));
  const { stack } = await startScenario(f, { variant: { transport: "sotw", mode: "ads" } });
  const n: number[] = [];
  const sent: number[] = [];
  const decisions: Record<string, number> = {};
  try {
    for (let i = 0; i < runs; i++) {
      const r = await sampleSplit({
        source: driverSource({ url: stack.url("ingress"), timeoutMs: 5000, concurrency: 8 }),
        classify: (x) => x.backend,
        sequential: plan,
        batchSize: 400,
      });
      n.push(r.sprt!.n);
      sent.push(r.records.length);
      decisions[r.decision] = (decisions[r.decision] ?? 0) + 1;
    }
  } finally {
    await stack.stop();
  }
  return {
    runs,
    meanSamples: mean(n),
    meanRequestsSent: mean(sent),
    p90Samples: quantile(n, 0.9),
    decisions,
  };
}

async function falseFailRate(runs: number, budgetMs: number) {
  const runDir = mkdtempSync(join(tmpdir(), "xdsc-bench-split-"));
  const verdicts: Record<string, number> = {};
  const durations: number[] = [];
  const reasons: string[] = [];
  const t0 = performance.now();
  try {
    for (let i = 0; i < runs && performance.now() - t0 < budgetMs; i++) {
      const r = await runOne(
        weighted9010,
        { cp: "reference", dp: "envoy", variant: { transport: "sotw", mode: "ads" } },
        { checks: [weighted9010], cells: [], runDir },
      );
      verdicts[r.verdict] = (verdicts[r.verdict] ?? 0) + 1;
      durations.push(r.durationMs);
      if (r.verdict !== "pass") reasons.push(r.reason ?? "");
      if ((i + 1) % 25 === 0) console.log(`  false-fail runs: ${i + 1} (${JSON.stringify(verdicts)})`);
    }
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
  const done = durations.length;
  const fails = verdicts.fail ?? 0;
  // One-sided 95 % upper bound on the rate (Clopper-Pearson; with 0 fails this is the "rule of three").
  const upper95 = fails === 0 ? 1 - Math.pow(0.05, 1 / done) : undefined;
  return {
    check: weighted9010.id,
    requestedRuns: runs,
    runs: done,
    verdicts,
    falseFailRate: fails / done,
    upper95ZeroFails: upper95,
    meanCheckMs: mean(durations),
    wallMs: Math.round(performance.now() - t0),
    reasons,
  };
}

const report: Record<string, unknown> = {
  alpha: ALPHA,
  power: POWER,
  tolerance: TOLERANCE,
  environment: { node: process.version, cpus: cpus().length },
  cases: {},
};
for (const c of CASES) {
  const fixedN = fixedSampleSize(c.shares[1], TOLERANCE, ALPHA, POWER);
  console.log(`${c.name}: fixed n = ${fixedN} (α=${ALPHA}, power ${POWER}, ±${TOLERANCE})`);
  const correct = await simulate(c.shares, c.shares[1], SIMULATED_RUNS, 1);
  const off = await simulate(c.shares, c.shares[1] + TOLERANCE, SIMULATED_RUNS, 2);
  const envoy = await throughEnvoy(c.fixture, c.shares, ENVOY_RUNS);
  const entry = {
    fixedN,
    simulated: { correct, offByTolerance: off },
    envoy,
    ratio: {
      simulatedCorrect: correct.meanSamples / fixedN,
      simulatedOffByTolerance: off.meanSamples / fixedN,
      envoyCorrect: envoy.meanSamples / fixedN,
      envoyRequestsSent: envoy.meanRequestsSent / fixedN,
    },
  };
  (report.cases as Record<string, unknown>)[c.name] = entry;
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  console.log(
    `  SPRT/fixed-n: simulated correct ${pct(entry.ratio.simulatedCorrect)} (mean ${correct.meanSamples.toFixed(0)}),` +
      ` off by δ ${pct(entry.ratio.simulatedOffByTolerance)}, Envoy ${pct(entry.ratio.envoyCorrect)}` +
      ` (${ENVOY_RUNS} runs, ${pct(entry.ratio.envoyRequestsSent)} counting batch overshoot)`,
  );
}
console.log(
  `false-fail rate: up to ${FALSE_FAIL_RUNS} runs of ${weighted9010.id} on real Envoy, budget ${BUDGET_MS} ms`,
);
const ff = await falseFailRate(FALSE_FAIL_RUNS, BUDGET_MS);
report.falseFail = ff;
console.log(
  `  ${ff.runs} runs: ${JSON.stringify(ff.verdicts)} → false-fail rate ${ff.falseFailRate}` +
    (ff.upper95ZeroFails !== undefined ? ` (95 % upper bound ${ff.upper95ZeroFails.toFixed(4)})` : "") +
    `, mean check ${ff.meanCheckMs.toFixed(0)} ms`,
);
mkdirSync(projectPath("reports", "bench"), { recursive: true });
writeFileSync(projectPath("reports", "bench", "split.json"), JSON.stringify(report, null, 2) + "\n");
console.log("wrote reports/bench/split.json");
