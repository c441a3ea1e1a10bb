// Runs checks across matrix cells: one fresh scenario per check, a deadline per check, evidence written
// and reported as each check ends (so an interrupted run keeps everything finished so far).
import type { Reporter, CheckStart } from "../report/reporter.ts";
import { writeEvidence } from "../report/run-dir.ts";
import { cellKey } from "../report/cells.ts";
import { variantName } from "../scenario/variant.ts";
import { CheckContext, type Cell } from "./context.ts";
import type { CheckDefinition, Twin } from "./define.ts";
import {
  APPLICABILITY,
  applies,
  cellFeatures,
  cellUnsupported,
  kubeDrivenExclusion,
  missingFeatures,
  type Feature,
} from "./features.ts";
import type { CheckResult, Verdict } from "./types.ts";

export interface RunChecksOptions {
  checks: CheckDefinition[];
  cells: Cell[];
  runDir: string;
  reporter?: Reporter;
  grep?: RegExp;
  signal?: AbortSignal;
  environment?: Feature[];
  /** Why absent environment features are absent (skip reasons). */
  absent?: Partial<Record<Feature, string>>;
  /** Run each check on this twin instead of the correct setup (the twin test). */
  twinOf?: (check: CheckDefinition) => Twin | undefined;
}

/** The (cell, check) pairs a run will execute, in order: cells outermost. */
export function plan(
  checks: CheckDefinition[],
  cells: Cell[],
  grep?: RegExp,
): { cell: Cell; check: CheckDefinition }[] {
  return cells.flatMap((cell) =>
    checks
      .filter((c) => !grep || grep.test(c.id) || grep.test(c.title))
      .filter((c) => !c.appliesTo || c.appliesTo(cell.variant))
      .filter((c) => applies(c.requires, { cp: cell.cp, dp: cell.dp, variant: cell.variant }))
      .map((check) => ({ cell, check })),
  );
}

/**
 * The checks a cell's kind leaves out of the plan — it lacks a feature they require, e.g. Envoy's admin
 * API on a gRPC proxyless client — with why, so reports list them instead of dropping them silently.
 * (Checks whose rule is about other variants, `appliesTo`, are not listed: every cell would repeat them.)
 */
export function notApplicableChecks(
  checks: CheckDefinition[],
  cells: Cell[],
  grep?: RegExp,
): { cell: Cell; check: CheckDefinition; reason: string }[] {
  return cells.flatMap((cell) =>
    checks
      .filter((c) => !grep || grep.test(c.id) || grep.test(c.title))
      .filter((c) => !c.appliesTo || c.appliesTo(cell.variant))
      .filter((c) => !applies(c.requires, cell))
      .map((check) => {
        const kind = check.requires.filter((r) => APPLICABILITY.has(r));
        const reason =
          kubeDrivenExclusion(check.requires, cell.cp) ??
          missingFeatures(kind, cellFeatures(cell), cell) ??
          "not applicable";
        return { cell, check, reason };
      }),
  );
}

export async function runChecks(opts: RunChecksOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const { cell, check } of plan(opts.checks, opts.cells, opts.grep)) {
    if (opts.signal?.aborted) break;
    results.push(await runOne(check, cell, opts));
  }
  return results;
}

export async function runOne(
  check: CheckDefinition,
  cell: Cell,
  opts: RunChecksOptions,
): Promise<CheckResult> {
  const variant = variantName(cell.variant);
  const start: CheckStart = {
    id: check.id,
    suite: check.suite,
    title: check.title,
    cp: cell.cp,
    dp: cell.dp,
    variant,
  };
  await opts.reporter?.onCheckBegin?.(start);
  const startedAt = new Date();
  const t0 = performance.now();
  const caps = {
    cp: cell.cp,
    dp: cell.dp,
    variant: cell.variant,
    environment: opts.environment,
    absent: opts.absent,
  };
  const missing = cellUnsupported(caps) ?? missingFeatures(check.requires, cellFeatures(caps), caps);
  let verdict: Verdict;
  let evidence: Verdict["evidence"] = [];
  if (missing) {
    verdict = { verdict: "skipped", reason: missing, evidence: [] };
  } else {
    const abort = new AbortController();
    const signal = opts.signal ? AbortSignal.any([opts.signal, abort.signal]) : abort.signal;
    const ctx = new CheckContext(
      check,
      cell,
      opts.twinOf?.(check),
      signal,
      (p) => void opts.reporter?.onCheckPhase?.(start, p),
    );
    const timeoutMs = check.timeoutMs ?? 120_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      verdict = await Promise.race([
        check.run(ctx),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            abort.abort();
            reject(new Error(`check did not finish within ${timeoutMs}ms`));
          }, timeoutMs);
        }),
      ]);
    } catch (e) {
      verdict = { verdict: "fail", reason: `check errored: ${(e as Error).message}`, evidence: [] };
    } finally {
      clearTimeout(timer);
    }
    evidence = [
      ...ctx.evidence,
      ...verdict.evidence,
      ...ctx.collectStandardEvidence(verdict.verdict !== "pass"),
    ];
    await ctx.cleanup();
  }
  const written = await writeEvidence(
    opts.runDir,
    cellKey({ cp: cell.cp, dp: cell.dp, variant }),
    check.id,
    dedupe(evidence),
  );
  const result: CheckResult = {
    id: check.id,
    suite: check.suite,
    title: check.title,
    spec: check.spec,
    role: check.role,
    cp: cell.cp,
    dp: cell.dp,
    variant,
    verdict: verdict.verdict,
    reason: verdict.reason,
    durationMs: Math.round(performance.now() - t0),
    startedAt: startedAt.toISOString(),
    metrics: verdict.metrics,
    evidence: written,
  };
  await opts.reporter?.onCheckEnd?.(result);
  return result;
}

/** Two pieces of evidence may not share a file name; later ones get a numeric suffix. */
function dedupe(evidence: Verdict["evidence"]): Verdict["evidence"] {
  const seen = new Map<string, number>();
  return evidence.map((e) => {
    const n = seen.get(e.file) ?? 0;
    seen.set(e.file, n + 1);
    if (n === 0) return e;
    const dot = e.file.lastIndexOf(".");
    return {
      ...e,
      file: dot > 0 ? `${e.file.slice(0, dot)}-${n + 1}${e.file.slice(dot)}` : `${e.file}-${n + 1}`,
    };
  });
}
