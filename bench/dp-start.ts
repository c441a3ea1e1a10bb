// Start-to-ready time of each data-plane adapter, measured in one run: Envoy as a process (the peer every
// ratio is taken against), Envoy in a container, Envoy expressed as a command data plane, and the gRPC
// proxyless clients grpc-js and grpc-go.
// One sample = builder.start() until waitForReady() resolves: for Envoy /ready LIVE (the initial CDS, EDS,
// LDS and RDS from the reference server through the tap); for a gRPC client its xds:/// channel READY (API
// listener, RDS, CDS, EDS and a connected endpoint). Each sample gets a fresh stack (backends, server, tap)
// whose set-up is not timed; the grpc-go binary is built (or found in the cache) once, before any timing. Adapters take turns round by round so that drift on a shared machine lands on
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
import { buildGrpcGoClient, GrpcGoClient } from "../harness/dataplanes/grpc-go.ts";
import { GrpcJsClient } from "../harness/dataplanes/grpc-js.ts";
import type { DataPlaneBuilder } from "../harness/dataplanes/types.ts";
import { Stack } from "../harness/scenario/stack.ts";
import { projectPath } from "../harness/util/paths.ts";
import { apiListener, grpcLoadAssignment, grpcRouteConfig } from "../harness/xds/grpc-resources.ts";
import { edsCluster, httpListener, loadAssignment, routeConfig } from "../harness/xds/resources.ts";

const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const READY_TIMEOUT_MS = 15_000;
const OUTPUT = projectPath("reports", "bench", "dp-start.json");

const envoyBin = findEnvoy();
const grpcGoBin = await buildGrpcGoClient();
/** Which topology a data plane is served: Envoy's listener on a port, or gRPC's API listener. */
type Topology = "envoy" | "grpc";
const ADAPTERS: { name: string; topology: Topology; builder: () => DataPlaneBuilder }[] = [
  { name: "envoy-process", topology: "envoy", builder: () => new EnvoyProcess().withLogLevel("warning") },
  {
    name: "envoy-container",
    topology: "envoy",
    builder: () => new EnvoyContainer().withLogLevel("warning"),
  },
  {
    name: "command-envoy",
    topology: "envoy",
    builder: () =>
      CommandDataPlane.fromFile(
        projectPath("fixtures", "dataplanes", "envoy-command.dataplane.yaml"),
      ).withVars({
        envoyBin,
      }),
  },
  { name: "grpc-js", topology: "grpc", builder: () => new GrpcJsClient() },
  { name: "grpc-go", topology: "grpc", builder: () => new GrpcGoClient().withBinary(grpcGoBin) },
];

/**
 * One sample: milliseconds from start() to ready, for a fresh stack serving the smoke topology (as
 * fixtures/scenarios/smoke-grpc.yaml shapes it for gRPC clients). Also returns the version the data
 * plane reported, for the report's environment.
 */
async function sample(
  topology: Topology,
  builder: DataPlaneBuilder,
): Promise<{ ms: number; version: string }> {
  const protocol = topology === "grpc" ? "grpc" : undefined;
  await using stack = await Stack.start({
    variant: { transport: "sotw", mode: "ads" },
    backends: [
      { name: "v1", protocol },
      { name: "v2", protocol },
    ],
    listeners: topology === "grpc" ? [] : ["ingress"],
  });
  const endpoints = [{ port: stack.backends.get("v1")!.port }, { port: stack.backends.get("v2")!.port }];
  await stack.apply(
    "v1",
    topology === "grpc"
      ? [
          edsCluster("backend"),
          grpcLoadAssignment("backend", endpoints),
          apiListener("ingress", "local"),
          grpcRouteConfig("local", "backend"),
        ]
      : [
          edsCluster("backend"),
          loadAssignment("backend", endpoints),
          httpListener("ingress", stack.listenerPorts.get("ingress")!, "local"),
          routeConfig("local", "backend"),
        ],
  );
  const started = performance.now();
  const dp = await stack.startDataPlane(builder);
  await dp.waitForReady({ timeoutMs: READY_TIMEOUT_MS });
  return { ms: performance.now() - started, version: dp.version };
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
  const versions: Record<string, string> = {};
  for (const a of ADAPTERS) versions[a.name] = (await sample(a.topology, a.builder())).version;
  const samples = new Map(ADAPTERS.map((a) => [a.name, [] as number[]]));
  for (let round = 0; round < RUNS; round++) {
    for (const a of ADAPTERS) samples.get(a.name)!.push((await sample(a.topology, a.builder())).ms);
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
    `start-to-ready (start() → Envoy /ready LIVE or gRPC channel READY), N=${RUNS} per data plane, ratios against ${peer.name}\n`,
  );
  console.log(line(table[0]));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of table.slice(1)) console.log(line(row));

  const report = {
    benchmark: "dp-start",
    measured:
      "builder.start() until waitForReady() (Envoy /ready LIVE; gRPC xds:/// channel READY), fresh SotW-ADS stack per sample",
    runs: RUNS,
    peer: peer.name,
    date: new Date().toISOString(),
    durationMs: Date.now() - began,
    environment: {
      node: process.version,
      envoy: await envoyVersion(envoyBin),
      docker: docker.version,
      image: image.tag,
      "grpc-js": versions["grpc-js"],
      "grpc-go": versions["grpc-go"],
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
