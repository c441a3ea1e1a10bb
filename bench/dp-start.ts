// Start-to-ready time of each data-plane adapter, measured in one run: Envoy as a process (the peer every
// ratio is taken against), Envoy in a container, and Envoy expressed as a command data plane.
// One sample = builder.start() until waitForReady() resolves (/ready LIVE: the initial CDS, EDS, LDS and
// RDS from the reference server through the tap). Each sample gets a fresh stack (backends, server, tap)
// whose set-up is not timed. Adapters take turns round by round so that drift on a shared machine lands on
// all of them alike; one untimed warm-up per adapter first (page cache, image check, tsx module loading).
//
//   npx tsx bench/dp-start.ts [--runs 5]        writes reports/bench/dp-start.json
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import { ensureDockerEngine } from "../harness/containers/docker-engine.ts";
import { ensureEnvoyImage } from "../harness/containers/envoy-image.ts";
import { CommandDataPlane } from "../harness/dataplanes/command.ts";
import { envoyVersion, findEnvoy } from "../harness/dataplanes/envoy-binary.ts";
import { EnvoyContainer } from "../harness/dataplanes/envoy-container.ts";
import { EnvoyProcess } from "../harness/dataplanes/envoy-process.ts";
import type { DataPlaneBuilder } from "../harness/dataplanes/types.ts";
import { Stack } from "../harness/scenario/stack.ts";
import { projectPath } from "../harness/util/paths.ts";
import { edsCluster, httpListener, loadAssignment, routeConfig } from "../harness/xds/resources.ts";

const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const READY_TIMEOUT_MS = 15_000;
const OUTPUT = projectPath("reports", "bench", "dp-start.json");

const envoyBin = findEnvoy();
const ADAPTERS: { name: string; builder: () => DataPlaneBuilder }[] = [
  { name: "envoy-process", builder: () => new EnvoyProcess().withLogLevel("warning") },
  { name: "envoy-container", builder: () => new EnvoyContainer().withLogLevel("warning") },
  {
    name: "command-envoy",
    builder: () =>
      CommandDataPlane.fromFile(
        projectPath("fixtures", "dataplanes", "envoy-command.dataplane.yaml"),
      ).withVars({
        envoyBin,
      }),
  },
];

/** One sample: milliseconds from start() to ready, for a fresh stack serving the smoke topology. */
async function sample(builder: DataPlaneBuilder): Promise<number> {
  await using stack = await Stack.start({
    variant: { transport: "sotw", mode: "ads" },
    backends: [{ name: "v1" }, { name: "v2" }],
    listeners: ["ingress"],
  });
  const [v1, v2] = [stack.backends.get("v1")!, stack.backends.get("v2")!];
  await stack.apply("v1", [
    edsCluster("backend"),
    loadAssignment("backend", [{ port: v1.port }, { port: v2.port }]),
    httpListener("ingress", stack.listenerPorts.get("ingress")!, "local"),
    routeConfig("local", "backend"),
  ]);
  const started = performance.now();
  const dp = await stack.startDataPlane(builder);
  await dp.waitForReady({ timeoutMs: READY_TIMEOUT_MS });
  return performance.now() - started;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

async function main(): Promise<void> {
  const began = Date.now();
  const docker = await ensureDockerEngine();
  const image = await ensureEnvoyImage();
  for (const adapter of ADAPTERS) await sample(adapter.builder());
  const samples = new Map(ADAPTERS.map((a) => [a.name, [] as number[]]));
  for (let round = 0; round < RUNS; round++) {
    for (const adapter of ADAPTERS) samples.get(adapter.name)!.push(await sample(adapter.builder()));
  }
  const results = ADAPTERS.map(({ name }) => {
    const sorted = [...samples.get(name)!].sort((a, b) => a - b);
    return {
      name,
      samplesMs: samples.get(name)!.map(round),
      medianMs: round(percentile(sorted, 50)),
      p90Ms: round(percentile(sorted, 90)),
      minMs: round(sorted[0]),
      maxMs: round(sorted.at(-1)!),
    };
  });
  const peer = results[0];
  const rows = results.map((r) => ({
    ...r,
    medianRatio: Math.round((r.medianMs / peer.medianMs) * 100) / 100,
    p90Ratio: Math.round((r.p90Ms / peer.p90Ms) * 100) / 100,
  }));

  const header = ["data plane", "median ms", "p90 ms", "min ms", "max ms", "median ×", "p90 ×"];
  const table = [
    header,
    ...rows.map((r) =>
      [r.name, r.medianMs, r.p90Ms, r.minMs, r.maxMs, r.medianRatio, r.p90Ratio].map(String),
    ),
  ];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const line = (row: string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
  console.log(
    `start-to-ready (start() → /ready LIVE), N=${RUNS} per data plane, ratios against ${peer.name}\n`,
  );
  console.log(line(table[0]));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of table.slice(1)) console.log(line(row));

  const report = {
    benchmark: "dp-start",
    measured: "builder.start() until waitForReady() (Envoy /ready LIVE), fresh SotW-ADS stack per sample",
    runs: RUNS,
    peer: peer.name,
    date: new Date().toISOString(),
    durationMs: Date.now() - began,
    environment: {
      node: process.version,
      envoy: await envoyVersion(envoyBin),
      docker: docker.version,
      image: image.tag,
      cpus: os.cpus().length,
      kernel: os.release(),
    },
    results: rows,
  };
  await mkdir(projectPath("reports", "bench"), { recursive: true });
  await writeFile(OUTPUT, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\n${OUTPUT} (${((Date.now() - began) / 1000).toFixed(1)} s)`);
}

await main();
