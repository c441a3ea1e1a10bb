// `xdsc repro FIXTURE`: replays a repro fixture against the reference control plane (with the fixture's
// control_plane behaviour) and real Envoy, judges its expectations, keeps every artifact, and exits 1
// when the bug reproduces (an expectation of correct behaviour fails), 0 when it does not.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadFixture } from "../fixtures/load.ts";
import { startScenario } from "../scenario/scenario.ts";
import { judge, runTimeline, type TimelineResult } from "../scenario/timeline.ts";
import type { Stack } from "../scenario/stack.ts";
import type { Fixture } from "../fixtures/types.ts";
import { PROXYLESS } from "../dataplanes/registry.ts";
import type { StartedProxylessClient } from "../dataplanes/proxyless.ts";
import type { TrafficRecord } from "../traffic/traffic-record.ts";
import type { Variant } from "../scenario/variant.ts";
import { variantName } from "../scenario/variant.ts";
import { formatEntry } from "../tap/transcript.ts";
import { newRunId } from "../report/run-dir.ts";
import { projectPath } from "../util/paths.ts";
import { EXIT } from "./errors.ts";

export interface ReproOptions {
  fixture: string;
  variant: Variant;
  out?: string;
  /** Data plane by name (harness/dataplanes/registry.ts; default "envoy"). */
  dataPlane?: string;
}

export async function repro(o: ReproOptions): Promise<number> {
  const fixture = loadFixture(o.fixture);
  const dir = o.out ?? projectPath("reports", "repros", `${fixture.name}-${newRunId()}`);
  mkdirSync(dir, { recursive: true });
  const transcriptPath = join(dir, "transcript.jsonl");
  const log = (s: string) => process.stdout.write(`${s}\n`);
  const dp = o.dataPlane ?? "envoy";
  log(
    `repro ${fixture.name} (${variantName(o.variant)}${dp === "envoy" ? "" : `, ${dp}`})${fixture.origin ? `: ${fixture.origin.issue}` : ""}`,
  );
  if (fixture.origin) log(`  ${fixture.origin.summary}`);
  const cp = fixture.controlPlane;
  log(
    `  control plane: reference, policy ${cp?.policy ?? "make-before-break"}${cp?.faults?.length ? `, faults ${cp.faults.join(", ")}` : ""}`,
  );
  const { stack, fixture: rendered } = await startScenario(fixture, {
    variant: o.variant,
    transcriptPath,
    waitReady: false,
    dataPlane: dp,
  });
  let failures: string[] = [];
  try {
    const result = PROXYLESS.has(dp)
      ? await runProxylessTimeline(stack, rendered)
      : await runTimeline(stack, rendered);
    writeFileSync(join(dir, "traffic.jsonl"), result.records.map((r) => JSON.stringify(r)).join("\n") + "\n");
    writeFileSync(join(dir, "timeline.log"), result.log.join("\n") + "\n");
    writeFileSync(
      join(dir, "config_dump.json"),
      JSON.stringify(
        stack.dp
          ? await stack.dp.admin.configDump().catch((e: Error) => ({ error: e.message }))
          : { none: `${dp} has no admin API` },
        null,
        2,
      ),
    );
    if (stack.dp) writeFileSync(join(dir, "envoy.log"), stack.dp.logs());
    failures = result.expectations.filter((e) => !e.ok).map((e) => `${fixture.file}:${e.line}: ${e.message}`);
    for (const e of result.expectations) log(`  ${e.ok ? "ok  " : "FAIL"} ${e.path}: ${e.message}`);
    const nack = stack.tap.entries().find((e) => e.classification === "nack");
    if (nack) log(`  NACK seen: ${formatEntry(nack, stack.tap.entries()[0]!.at)}`);
    if (result.expectations.length === 0) failures.push(`${fixture.file}: no expect step: nothing to judge`);
  } catch (e) {
    failures.push(`timeline stopped: ${(e as Error).message}`);
    if (stack.dp) writeFileSync(join(dir, "envoy.log"), stack.dp.logs());
  } finally {
    await stack.stop();
  }
  log(
    failures.length > 0
      ? `REPRODUCES: ${failures.join("; ")}`
      : "does not reproduce: every expectation holds",
  );
  log(`artifacts: ${dir}`);
  return failures.length > 0 ? EXIT.fail : EXIT.pass;
}

/**
 * The timeline for a proxyless gRPC client, which has no listener to send HTTP load through: traffic steps
 * become RPCs on the client's xDS channel, expectations are judged as runTimeline judges them, and only
 * the ack wait applies (listener and cluster waits need Envoy's admin API).
 */
async function runProxylessTimeline(stack: Stack, fixture: Fixture): Promise<TimelineResult> {
  const client = stack.dataPlane as StartedProxylessClient;
  const t0 = performance.now();
  const log: string[] = [];
  const result: TimelineResult = { expectations: [], records: [], log };
  let window: TrafficRecord[] = [];
  let version = fixture.version;
  let transcriptFrom = 0;
  for (const step of fixture.timeline) {
    log.push(`+${Math.round(performance.now() - t0)}ms ${step.path} ${step.kind}`);
    if (step.kind === "apply" || step.kind === "remove") {
      version = step.version;
      await stack.apply(
        step.version,
        step.state.map((r) => r.json),
      );
    } else if (step.kind === "wait") {
      if (step.event.event !== "ack")
        throw new Error(`${fixture.file}:${step.line}: wait "${step.event.event}": needs Envoy's admin API`);
      await stack.waitForAcked(step.event.version || version, step.timeoutMs);
    } else if (step.kind === "traffic") {
      window.push(...(await client.sendRpcs({ count: step.requests, ratePerSec: step.ratePerSec })));
    } else {
      const entries = stack.tap.entries().slice(transcriptFrom);
      transcriptFrom += entries.length;
      result.expectations.push(...judge(step, window, entries));
      result.records.push(...window);
      window = [];
    }
  }
  result.records.push(...window);
  return result;
}
