// `xdsc repro FIXTURE`: replays a repro fixture against the reference control plane (with the fixture's
// control_plane behaviour) and real Envoy, judges its expectations, keeps every artifact, and exits 1
// when the bug reproduces (an expectation of correct behaviour fails), 0 when it does not.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadFixture } from "../fixtures/load.ts";
import { startScenario } from "../scenario/scenario.ts";
import { runTimeline } from "../scenario/timeline.ts";
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
}

export async function repro(o: ReproOptions): Promise<number> {
  const fixture = loadFixture(o.fixture);
  const dir = o.out ?? projectPath("reports", "repros", `${fixture.name}-${newRunId()}`);
  mkdirSync(dir, { recursive: true });
  const transcriptPath = join(dir, "transcript.jsonl");
  const log = (s: string) => process.stdout.write(`${s}\n`);
  log(
    `repro ${fixture.name} (${variantName(o.variant)})${fixture.origin ? `: ${fixture.origin.issue}` : ""}`,
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
  });
  let failures: string[] = [];
  try {
    const result = await runTimeline(stack, rendered);
    writeFileSync(join(dir, "traffic.jsonl"), result.records.map((r) => JSON.stringify(r)).join("\n") + "\n");
    writeFileSync(join(dir, "timeline.log"), result.log.join("\n") + "\n");
    writeFileSync(
      join(dir, "config_dump.json"),
      JSON.stringify(await stack.dp.admin.configDump().catch((e: Error) => ({ error: e.message })), null, 2),
    );
    writeFileSync(join(dir, "envoy.log"), stack.dp.logs());
    failures = result.expectations.filter((e) => !e.ok).map((e) => `${fixture.file}:${e.line}: ${e.message}`);
    for (const e of result.expectations) log(`  ${e.ok ? "ok  " : "FAIL"} ${e.path}: ${e.message}`);
    const nack = stack.tap.entries().find((e) => e.classification === "nack");
    if (nack) log(`  NACK seen: ${formatEntry(nack, stack.tap.entries()[0]!.at)}`);
    if (result.expectations.length === 0) failures.push(`${fixture.file}: no expect step: nothing to judge`);
  } catch (e) {
    failures.push(`timeline stopped: ${(e as Error).message}`);
    writeFileSync(join(dir, "envoy.log"), stack.dp?.logs() ?? "");
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
