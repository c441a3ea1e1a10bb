// Pushing N clusters + N endpoint sets to M ADS SotW streams: the reference server against
// go-control-plane in the same run (DESIGN.md §4: the reference server must not be slower).
// Both run as their own processes behind the adapter API (so RSS is the CP's alone) and get the same
// snapshot through SetSnapshot; then M scripted streams (bench/xds-push-streams.ts) each request CDS
// (wildcard), ACK, request EDS for all N names and ACK. Measured per CP: SetSnapshot time, time until
// every stream has received and ACKed everything, per-stream latency percentiles, RSS (idle, after the
// snapshot, peak = VmHWM) and CPU time of the CP process, after an untimed warm-up. CPs take turns in rounds so drift on a shared machine hits both.
//
//   npx tsx bench/xds-push.ts [--n 10000] [--m 100] [--rounds 1]   writes reports/bench/xds-push.json
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import { parseArgs } from "node:util";
import {
  startReferenceProcess,
  type StartedAdapterProcess,
} from "../harness/controlplanes/adapter-process.ts";
import { buildGoControlPlane, GoControlPlane } from "../harness/controlplanes/go-control-plane.ts";
import { projectPath } from "../harness/util/paths.ts";
import { edsCluster, loadAssignment } from "../harness/xds/resources.ts";
import { runStreams } from "./xds-push-streams.ts";

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "10000" },
    m: { type: "string", default: "100" },
    rounds: { type: "string", default: "1" },
    "timeout-ms": { type: "string", default: "300000" },
  },
});
const [N, M, ROUNDS, TIMEOUT_MS] = [values.n, values.m, values.rounds, values["timeout-ms"]].map(Number) as [
  number,
  number,
  number,
  number,
];
const OUTPUT = projectPath("reports", "bench", "xds-push.json");

let goBinary = "";
const CPS: { id: string; start: () => Promise<StartedAdapterProcess> }[] = [
  {
    id: "reference",
    start: () => startReferenceProcess("as-given"),
  },
  { id: "go-control-plane", start: () => new GoControlPlane().withBinary(goBinary).start() },
];

interface Result {
  cp: string;
  name: string;
  version: string;
  round: number;
  applyMs: number;
  /** CPU time of the CP process during SetSnapshot. */
  applyCpuMs: number;
  totalMs: number;
  /** CPU time of the CP process while serving the M streams: its cost, whatever the client's speed. */
  pushCpuMs: number;
  cdsP99Ms: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  rssIdleMb: number;
  rssAfterApplyMb: number;
  rssPeakMb: number;
}

function memMb(pid: number, field: "VmRSS" | "VmHWM"): number {
  const kb = readFileSync(`/proc/${pid}/status`, "utf8").match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
  return kb ? Math.round(Number(kb[1]) / 1024) : NaN;
}

/** CPU time (user + system) the process has used, from /proc/<pid>/stat (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

async function measure(
  cpId: string,
  start: () => Promise<StartedAdapterProcess>,
  round: number,
): Promise<Result> {
  const names = Array.from({ length: N }, (_, i) => `cluster-${i}`);
  const resources = names.flatMap((name, i) => [
    edsCluster(name),
    loadAssignment(name, [{ port: 10_000 + (i % 50_000) }]),
  ]);
  await using cp = await start();
  const pid = cp.child.pid;
  const rssIdleMb = memMb(pid, "VmRSS");
  // Untimed warm-up (descriptor loading, JIT, first connections) so the figures measure pushing.
  const warm = names.slice(0, 10);
  await cp.apply("warm-up", { version: "w", resources: resources.slice(0, 2 * warm.length) });
  await runStreams(cp.address, "warm-up", warm, 2, TIMEOUT_MS);
  const nodeId = `bench-${round}`;
  const applyStart = performance.now();
  const cpuBeforeApply = cpuMs(pid);
  await cp.apply(nodeId, { version: "v1", resources });
  const applyMs = performance.now() - applyStart;
  const rssAfterApplyMb = memMb(pid, "VmRSS");
  const applyCpuMs = cpuMs(pid) - cpuBeforeApply;
  const cpuBeforePush = cpuMs(pid);
  const t0 = performance.now();
  const timings = await runStreams(cp.address, nodeId, names, M, TIMEOUT_MS);
  const totalMs = Math.max(...timings.map((t) => t.doneMs)) - t0;
  const latencies = timings.map((t) => t.doneMs - t.startMs).sort((a, b) => a - b);
  const cds = timings.map((t) => t.cdsMs - t.startMs).sort((a, b) => a - b);
  const pushCpuMs = cpuMs(pid) - cpuBeforePush;
  const rssPeakMb = memMb(pid, "VmHWM");
  return {
    cp: cpId,
    name: cp.name,
    version: cp.version,
    round,
    applyMs: round1(applyMs),
    applyCpuMs,
    totalMs: round1(totalMs),
    pushCpuMs,
    cdsP99Ms: round1(percentile(cds, 99)),
    p50Ms: round1(percentile(latencies, 50)),
    p99Ms: round1(percentile(latencies, 99)),
    maxMs: round1(latencies.at(-1)!),
    rssIdleMb,
    rssAfterApplyMb,
    rssPeakMb,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

const buildStart = performance.now();
goBinary = await buildGoControlPlane();
const goBuildMs = Math.round(performance.now() - buildStart);
const results: Result[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  for (const { id, start } of CPS) {
    process.stderr.write(`xds-push: round ${round}/${ROUNDS} ${id}: N=${N} M=${M} ... `);
    const r = await measure(id, start, round);
    process.stderr.write(`${r.totalMs} ms\n`);
    results.push(r);
  }
}

const METRICS = [
  "applyMs",
  "applyCpuMs",
  "totalMs",
  "pushCpuMs",
  "cdsP99Ms",
  "p50Ms",
  "p99Ms",
  "maxMs",
  "rssAfterApplyMb",
  "rssPeakMb",
] as const;
const summary = Object.fromEntries(
  METRICS.map((k) => {
    const [ref, go] = CPS.map(({ id }) => median(results.filter((r) => r.cp === id).map((r) => r[k])));
    return [k, { reference: ref!, goControlPlane: go!, ratio: round1((ref! / go!) * 100) / 100 }];
  }),
);
const report = {
  benchmark: "xds-push",
  at: new Date().toISOString(),
  params: { n: N, m: M, rounds: ROUNDS, transport: "sotw", mode: "ads" },
  environment: {
    node: process.version,
    cpus: os.cpus().length,
    platform: `${os.platform()} ${os.release()}`,
  },
  goBuildMsThisRun: goBuildMs,
  note: "ratio = reference / go-control-plane (below 1: the reference server is faster or smaller)",
  summary,
  results,
};
await mkdir(projectPath("reports", "bench"), { recursive: true });
await writeFile(OUTPUT, JSON.stringify(report, null, 2) + "\n");

console.log(
  `xds-push: N=${N} clusters + ${N} endpoint sets, M=${M} ADS SotW streams, median of ${ROUNDS} round(s)`,
);
console.log(`${"metric".padEnd(16)}${"reference".padStart(12)}${"go-cp".padStart(12)}${"ratio".padStart(8)}`);
for (const [k, v] of Object.entries(summary))
  console.log(
    `${k.padEnd(16)}${String(v.reference).padStart(12)}${String(v.goControlPlane).padStart(12)}${v.ratio.toFixed(2).padStart(8)}`,
  );
console.log(`written to ${OUTPUT}`);
