// Traffic-split statistics, measured in one run (npx tsx bench/split.ts [--runs 200] [--budget-ms 300000]
// [--sim-runs 2000] [--envoy-runs 20]; a count of 0 skips that part: `--runs 0 --sim-runs 0 --envoy-runs 0`
// runs the exact part alone, about 20 s of CPU):
// 1. samples the SPRT needs to reach a verdict vs the fixed-n test at the same α and power (the peer), for
//    90/10 and 50/50 with a 3-point tolerance:
//    a. exactly, for each power in POWERS: the design's mean samples at p0 and at p0 ± δ (its operating
//       characteristic, split-sprt-oc.ts) over the exact binomial test's smallest n reaching that power,
//       and the floor any sequential test has at p0 with the same α, power and cap (split-optimum.ts);
//    b. at the checks' declared power, simulated with a seeded PRNG, then through real Envoy;
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
import { exactBinomialSampleSize } from "../harness/traffic/stats/binomial-power.ts";
import { SplitBoundaries } from "../harness/traffic/stats/split-boundaries.ts";
import { operatingCharacteristic } from "../harness/traffic/stats/split-sprt-oc.ts";
import { projectPath } from "../harness/util/paths.ts";
import { optimalMeanSamples } from "./split-optimum.ts";
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
/** Declared powers the exact part covers (a check picks its own; the suite's default is POWER). */
const POWERS = [0.9, 0.95, 0.99];

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
/** The design's exact operating points: at p0, at p0 ± δ and in the indifference zone p0 ± δ/2. */
function exactDesign(shares: number[]) {
  const plan = sequentialPlan("b", shares[1], TOLERANCE, ALPHA, POWER);
  const d = plan.design!;
  const b = new SplitBoundaries(d);
  const at = (p: number) => {
    const o = operatingCharacteristic(b, d.maxSamples, p);
    return {
      p: Number(p.toFixed(4)),
      reject: o.reject,
      inconclusive: o.inconclusive,
      meanSamples: o.expectedSamples,
    };
  };
  const p0 = shares[1];
  return {
    cap: d.maxSamples,
    boundaries: { lnA: d.lnA, lnBBelow: d.lnBBelow, lnBAbove: d.lnBAbove },
    falseFail: d.falseFail,
    power: d.power,
    points: [p0 - TOLERANCE, p0 - TOLERANCE / 2, p0, p0 + TOLERANCE / 2, p0 + TOLERANCE]
      .filter((p) => p > 0 && p < 1)
      .map(at),
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/**
 * Exact, per declared power: the SPRT's mean samples at p0 and at p0 ∓ δ and the optimal test's floor at
 * p0, each over the exact binomial test's n at the same α and power. The floor must not exceed the design's
 * mean (the design is one of the tests it bounds): a cross-check of both computations.
 */
function exactOverPowers() {
  const rows = POWERS.flatMap((power) =>
    CASES.map((c) => {
      const p0 = c.shares[1];
      const fixed = exactBinomialSampleSize(p0, TOLERANCE, ALPHA, power);
      const d = sequentialPlan("b", p0, TOLERANCE, ALPHA, power).design!;
      const t0 = performance.now();
      const optimum = optimalMeanSamples({ ...d, alpha: ALPHA, beta: 1 - power });
      if (optimum.lowerBound > d.atExpected.expectedSamples * (1 + 1e-9))
        throw new Error(
          `split optimum ${c.name} power ${power}: expected a floor <= the SPRT's ${d.atExpected.expectedSamples}, got ${optimum.lowerBound}`,
        );
      return {
        split: c.name,
        power,
        exactFixedN: fixed.n,
        cap: d.maxSamples,
        sprt: {
          falseFail: d.falseFail,
          power: d.power,
          meanAtExpected: d.atExpected.expectedSamples,
          meanAtBelow: d.atBelow?.expectedSamples,
          meanAtAbove: d.atAbove?.expectedSamples,
        },
        optimum: { ...optimum, ms: Math.round(performance.now() - t0) },
        ratio: {
          atExpected: d.atExpected.expectedSamples / fixed.n,
          atBelow: d.atBelow && d.atBelow.expectedSamples / fixed.n,
          atAbove: d.atAbove && d.atAbove.expectedSamples / fixed.n,
          optimum: optimum.lowerBound / fixed.n,
        },
      };
    }),
  );
  const int = (x: number) => Math.round(x).toLocaleString("en-US");
  const orDash = (x?: number) => (x === undefined ? "—" : pct(x));
  console.log(
    `SPRT / exact fixed n, exact (α=${ALPHA}, ±${TOLERANCE}, cap 2 × the normal-approximation fixed n):\n` +
      "| power | split | exact fixed n | SPRT false-fail, power | SPRT at p0 | SPRT at p0 − δ / p0 + δ | optimum at p0 |\n" +
      "| --: | --- | --: | --- | --: | --: | --: |",
  );
  for (const r of rows)
    console.log(
      `| ${r.power} | ${r.split} | ${int(r.exactFixedN)} | ${r.sprt.falseFail.toPrecision(3)}, ${r.sprt.power.toFixed(5)}` +
        ` | ${int(r.sprt.meanAtExpected)} (${pct(r.ratio.atExpected)})` +
        ` | ${orDash(r.ratio.atBelow)} / ${orDash(r.ratio.atAbove)}` +
        ` | ${int(r.optimum.lowerBound)} (${pct(r.ratio.optimum)}) |`,
    );
  return rows;
}
report.exactOverPowers = exactOverPowers();

for (const c of CASES) {
  const fixedN = fixedSampleSize(c.shares[1], TOLERANCE, ALPHA, POWER);
  const exactFixed = exactBinomialSampleSize(c.shares[1], TOLERANCE, ALPHA, POWER);
  const exact = exactDesign(c.shares);
  const exactCorrect = exact.points.find((x) => x.p === c.shares[1])!.meanSamples;
  console.log(
    `${c.name}: fixed n = ${fixedN} (normal approximation; α=${ALPHA}, power ${POWER}, ±${TOLERANCE}),` +
      ` exact binomial test n = ${exactFixed.n} (size ${exactFixed.size.toPrecision(3)}, power ${exactFixed.power.toFixed(5)});` +
      ` SPRT exact false-fail ${exact.falseFail.toPrecision(3)}, power ${exact.power.toFixed(5)}, mean n at p0 ${exactCorrect.toFixed(0)}`,
  );
  const simulated = SIMULATED_RUNS > 0;
  const correct = simulated ? await simulate(c.shares, c.shares[1], SIMULATED_RUNS, 1) : undefined;
  const off = simulated ? await simulate(c.shares, c.shares[1] + TOLERANCE, SIMULATED_RUNS, 2) : undefined;
  const envoy = ENVOY_RUNS > 0 ? await throughEnvoy(c.fixture, c.shares, ENVOY_RUNS) : undefined;
  const entry = {
    fixedN,
    exactFixed,
    exact,
    simulated: correct && off ? { correct, offByTolerance: off } : "skipped: --sim-runs 0",
    envoy: envoy ?? "skipped: --envoy-runs 0",
    ratio: {
      exactCorrect: exactCorrect / fixedN,
      exactCorrectVsExactFixed: exactCorrect / exactFixed.n,
      ...(correct &&
        off && {
          simulatedCorrectVsExactFixed: correct.meanSamples / exactFixed.n,
          simulatedCorrect: correct.meanSamples / fixedN,
          simulatedOffByTolerance: off.meanSamples / fixedN,
        }),
      ...(envoy && {
        envoyCorrect: envoy.meanSamples / fixedN,
        envoyRequestsSent: envoy.meanRequestsSent / fixedN,
      }),
    },
  };
  (report.cases as Record<string, unknown>)[c.name] = entry;
  const { ratio } = entry;
  console.log(
    `  SPRT/fixed-n: exact ${pct(ratio.exactCorrect)} (${pct(ratio.exactCorrectVsExactFixed)} of the exact test's n)` +
      (correct && ratio.simulatedCorrect !== undefined && ratio.simulatedOffByTolerance !== undefined
        ? `, simulated correct ${pct(ratio.simulatedCorrect)} (mean ${correct.meanSamples.toFixed(0)}),` +
          ` off by δ ${pct(ratio.simulatedOffByTolerance)}`
        : ", simulation skipped") +
      (ratio.envoyCorrect !== undefined && ratio.envoyRequestsSent !== undefined
        ? `, Envoy ${pct(ratio.envoyCorrect)} (${ENVOY_RUNS} runs, ${pct(ratio.envoyRequestsSent)} counting batch overshoot)`
        : ", Envoy skipped"),
  );
}
console.log(
  `false-fail rate: up to ${FALSE_FAIL_RUNS} runs of ${weighted9010.id} on real Envoy, budget ${BUDGET_MS} ms`,
);
const ff = FALSE_FAIL_RUNS > 0 ? await falseFailRate(FALSE_FAIL_RUNS, BUDGET_MS) : undefined;
report.falseFail = ff ?? "skipped: --runs 0";
if (ff)
  console.log(
    `  ${ff.runs} runs: ${JSON.stringify(ff.verdicts)} → false-fail rate ${ff.falseFailRate}` +
      (ff.upper95ZeroFails !== undefined ? ` (95 % upper bound ${ff.upper95ZeroFails.toFixed(4)})` : "") +
      `, mean check ${ff.meanCheckMs.toFixed(0)} ms`,
  );
mkdirSync(projectPath("reports", "bench"), { recursive: true });
writeFileSync(projectPath("reports", "bench", "split.json"), JSON.stringify(report, null, 2) + "\n");
console.log("wrote reports/bench/split.json");
