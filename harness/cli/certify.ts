// `xdsc certify`: the matrix run (control planes × data planes × variants × suites) writing every
// report form as it goes; Ctrl-C stops the run, tears everything down and keeps the partial report.
import { execFileSync } from "node:child_process";
import { isAbsolute, join } from "node:path";
import type { CheckDefinition } from "../checks/define.ts";
import type { Cell } from "../checks/context.ts";
import { notApplicableChecks, plan, runChecks } from "../checks/runner.ts";
import { cellUnsupported } from "../checks/features.ts";
import type { CheckResult, RunInfo, SuiteName } from "../checks/types.ts";
import { findEnvoy, envoyVersion } from "../dataplanes/envoy-binary.ts";
import { hostEnvironment } from "../report/certification.ts";
import { combineReporters, ProgressReporter, ReportWriter } from "../report/reporter.ts";
import { createRunDir, newRunId, useOutDir } from "../report/run-dir.ts";
import { variantName, type Variant } from "../scenario/variant.ts";
import { registerCleanup } from "../util/reaper.ts";
import { projectPath } from "../util/paths.ts";
import { EXIT } from "./errors.ts";
import { implementationVersion } from "./versions.ts";
import { detectEnvironment } from "../checks/environment.ts";
import { connectExternal, type ExternalControlPlaneOptions } from "../controlplanes/external.ts";
import { useExternalControlPlane } from "../scenario/stack.ts";

export interface CertifyOptions {
  suites: Record<SuiteName, CheckDefinition[]>;
  suiteNames: SuiteName[];
  controlPlanes: string[];
  dataPlanes: string[];
  variants: Variant[];
  grep?: RegExp;
  out?: string;
  outputDir: string;
  strict: boolean;
  toolVersion: string;
  /** Addresses of the control plane named "external" (--external-xds, --external-adapter). */
  external?: ExternalControlPlaneOptions;
}

/** What the certify command can drive; others (e.g. `external` without an address) are reported, never dropped. */
const SUPPORTED: Record<string, Set<string>> = {
  cp: new Set(["reference", "go-control-plane", "kube-reference"]),
  dp: new Set(["envoy", "envoy-container", "command", "grpc-js", "grpc-go"]),
};

export async function certify(o: CertifyOptions): Promise<number> {
  const run = o.out
    ? await useOutDir(o.out, newRunId())
    : await createRunDir(isAbsolute(o.outputDir) ? o.outputDir : projectPath(o.outputDir));
  const writer = new ReportWriter(run.dir);
  const reporter = combineReporters(writer, new ProgressReporter());
  const matrix: Cell[] = o.controlPlanes.flatMap((cp) =>
    o.dataPlanes.flatMap((dp) => o.variants.map((variant) => ({ cp, dp, variant }))),
  );
  // A cell whose implementations cannot speak its variant (e.g. grpc-js × delta, or an external CP whose
  // GetInfo does not list the variant's features) is not part of the matrix; the report lists it.
  const external = matrix.some((c) => c.cp === "external") ? await describeExternal(o.external) : undefined;
  const notApplicable: NonNullable<RunInfo["notApplicable"]> = [];
  const cells = matrix.filter((c) => {
    const why =
      cellUnsupported(c) ?? (c.cp === "external" ? externalUnsupported(external, c.variant) : undefined);
    if (why) {
      process.stderr.write(`not applicable: ${c.cp} × ${c.dp} (${variantName(c.variant)}): ${why}\n`);
      notApplicable.push({ cp: c.cp, dp: c.dp, variant: variantName(c.variant), reason: why });
    }
    return !why;
  });
  const checks = o.suiteNames.flatMap((s) => o.suites[s]);
  const cps = new Set([...SUPPORTED.cp!, ...(o.external ? ["external"] : [])]);
  const runnable = cells.filter((c) => cps.has(c.cp) && SUPPORTED.dp!.has(c.dp));
  const info: RunInfo = {
    runId: run.runId,
    toolVersion: o.toolVersion,
    startedAt: new Date().toISOString(),
    cells: await describeCells(cells, external?.label ?? ""),
    ...(notApplicable.length ? { notApplicable } : {}),
    environment: await environment(),
  };
  const checksNotApplicable = notApplicableChecks(checks, runnable, o.grep).map(
    ({ cell, check, reason }) => ({
      cp: cell.cp,
      dp: cell.dp,
      variant: variantName(cell.variant),
      check: check.id,
      reason,
    }),
  );
  if (checksNotApplicable.length) info.checksNotApplicable = checksNotApplicable;
  const results: CheckResult[] = [];
  const record = async (r: CheckResult) => {
    results.push(r);
    await reporter.onCheckEnd(r);
  };
  const total = plan(checks, runnable, o.grep).length;
  await reporter.onBegin(info, total);
  const abort = new AbortController();
  let interrupted = false;
  const unregister = registerCleanup(async () => {
    interrupted = true;
    abort.abort();
    await reporter.onEnd({
      info: { ...info, finishedAt: new Date().toISOString(), interrupted: true },
      results,
    });
  });
  try {
    for (const cell of cells.filter((c) => !runnable.includes(c))) {
      for (const check of plan(checks, [cell], o.grep).map((p) => p.check))
        await record(unavailable(check, cell, cps));
    }
    for (const suite of o.suiteNames.filter((s) => o.suites[s].length === 0)) {
      for (const cell of runnable) await record(emptySuite(suite, cell));
    }
    useExternalControlPlane(o.external);
    const env = await detectEnvironment();
    await runChecks({
      checks,
      cells: runnable,
      runDir: run.dir,
      environment: env.features,
      absent: env.absent,
      grep: o.grep,
      signal: abort.signal,
      reporter: {
        onCheckBegin: reporter.onCheckBegin,
        onCheckPhase: reporter.onCheckPhase,
        onCheckEnd: (r) => record(r),
      },
    });
  } finally {
    useExternalControlPlane(undefined);
    unregister();
  }
  if (interrupted) return EXIT.interrupted;
  await reporter.onEnd({ info: { ...info, finishedAt: new Date().toISOString() }, results });
  process.stderr.write(`report: ${join(run.dir, "summary.md")}\n`);
  const bad = results.filter(
    (r) => r.verdict === "fail" || r.verdict === "inconclusive" || (o.strict && r.verdict === "skipped"),
  );
  if (bad.length > 0) return EXIT.fail;
  if (results.length === 0) {
    // Nothing certified is not a pass: every requested check was left out as not applicable.
    process.stderr.write(
      "certify: no check ran: every requested check is not applicable to the requested cells (summary.md lists why)\n",
    );
    return EXIT.fail;
  }
  return EXIT.pass;
}

function baseResult(cell: Cell, id: string, suite: SuiteName, title: string, reason: string): CheckResult {
  return {
    id,
    suite,
    title,
    spec: "",
    role: "both",
    cp: cell.cp,
    dp: cell.dp,
    variant: variantName(cell.variant),
    verdict: "skipped",
    reason,
    durationMs: 0,
    startedAt: new Date().toISOString(),
    evidence: [],
  };
}

function unavailable(check: CheckDefinition, cell: Cell, cps: Set<string>): CheckResult {
  const which = cps.has(cell.cp) ? `data plane "${cell.dp}"` : `control plane "${cell.cp}"`;
  const reason =
    cell.cp === "external" && !cps.has("external")
      ? `control plane "external" needs its addresses: --external-xds HOST:PORT --external-adapter HOST:PORT`
      : `${which} is not available to certify yet`;
  return {
    ...baseResult(cell, check.id, check.suite, check.title, reason),
    spec: check.spec,
    role: check.role,
  };
}

function emptySuite(suite: SuiteName, cell: Cell): CheckResult {
  return baseResult(
    cell,
    `${suite}.not-implemented`,
    suite,
    `Suite "${suite}"`,
    `suite "${suite}" has no checks yet`,
  );
}

async function describeCells(cells: Cell[], externalLabel: string): Promise<RunInfo["cells"]> {
  return Promise.all(
    cells.map(async (c) => ({
      cp: { name: c.cp, version: c.cp === "external" ? externalLabel : await implementationVersion(c.cp) },
      dp: { name: c.dp, version: await implementationVersion(c.dp) },
      variant: variantName(c.variant),
    })),
  );
}

interface ExternalDescription {
  /** GetInfo name and version, for the report's cells (or why it is unknown). */
  label: string;
  /** GetInfo features; undefined when the CP could not be asked or listed none (every variant is tried). */
  features?: readonly string[];
}

/** What the external control plane says it is and speaks (GetInfo). */
async function describeExternal(
  external: ExternalControlPlaneOptions | undefined,
): Promise<ExternalDescription> {
  if (!external) return { label: "unknown (no --external-adapter)" };
  try {
    const cp = await connectExternal(external);
    await cp.stop();
    return { label: `${cp.name} ${cp.version}`, features: cp.features.length ? cp.features : undefined };
  } catch (e) {
    return { label: `unreachable: ${(e as Error).message}` };
  }
}

/**
 * An external CP that lists features in GetInfo is certified on the variants it declares: a variant
 * needing a feature it does not list (e.g. `delta`) is not applicable, and the report says so.
 */
export function externalUnsupported(
  external: ExternalDescription | undefined,
  variant: Variant,
): string | undefined {
  const features = external?.features;
  if (!features) return undefined;
  const needed =
    variant.mode === "rest" || variant.mode === "file" ? [variant.mode] : [variant.transport, variant.mode];
  const lacking = needed.filter((f) => !features.includes(f));
  return lacking.length
    ? `control plane "external" (${external.label}) does not list ${lacking.map((f) => `"${f}"`).join(", ")} in its GetInfo features [${features.join(", ")}]`
    : undefined;
}

async function environment(): Promise<Record<string, string>> {
  const env = hostEnvironment();
  env.envoy = await envoyVersion(findEnvoy()).catch((e: Error) => `unavailable: ${e.message}`);
  try {
    env.go = execFileSync("go", ["version"], { encoding: "utf8", timeout: 5000 }).trim();
  } catch {
    env.go = "not installed";
  }
  env["kube-proxy-mode"] = "n/a (no parity cell in this run)";
  return env;
}
