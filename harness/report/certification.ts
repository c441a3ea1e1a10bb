// certification.yaml: the machine-readable record of a run (DESIGN.md §9). Versioned like Gateway API's
// conformance report: implementations per cell, environment, summary counts, and every result with the
// sha256 of each evidence file so a published report can be checked against its artifacts.
import { release } from "node:os";
import { join } from "node:path";
import { Document } from "yaml";
import type { RunReport } from "../checks/types.ts";
import { cellKey, countVerdicts, reportCells } from "./cells.ts";
import { writeFileAtomic } from "./fs-atomic.ts";

export const CERTIFICATION_FILE = "certification.yaml";

/** What the harness can see of its own host; adapters add envoy, go, kubeProxyMode, … */
export function hostEnvironment(): Record<string, string> {
  return { node: process.version, kernel: release(), platform: `${process.platform}/${process.arch}` };
}

export function certificationDocument(report: RunReport): Record<string, unknown> {
  const { info, results } = report;
  const sortedEnv = Object.fromEntries(
    Object.entries(info.environment).sort(([a], [b]) => a.localeCompare(b)),
  );
  return {
    apiVersion: "xdsc/v1",
    kind: "Certification",
    tool: { name: "xds-conformance", version: info.toolVersion },
    runId: info.runId,
    startedAt: info.startedAt,
    ...(info.finishedAt ? { finishedAt: info.finishedAt } : {}),
    interrupted: info.interrupted ?? false,
    environment: sortedEnv,
    cells: reportCells(report).map((cell) => ({
      key: cell.key,
      cp: cell.cp,
      dp: cell.dp,
      ...(cell.variant ? { variant: cell.variant } : {}),
      summary: countVerdicts(results.filter((r) => cellKey(r) === cell.key)),
    })),
    ...(info.notApplicable?.length ? { notApplicableCells: info.notApplicable } : {}),
    ...(info.checksNotApplicable?.length ? { notApplicableChecks: info.checksNotApplicable } : {}),
    summary: countVerdicts(results),
    results: results.map((r) => ({
      id: r.id,
      suite: r.suite,
      title: r.title,
      spec: r.spec,
      role: r.role,
      cell: cellKey(r),
      cp: r.cp,
      dp: r.dp,
      ...(r.variant ? { variant: r.variant } : {}),
      verdict: r.verdict,
      ...(r.reason ? { reason: r.reason } : {}),
      startedAt: r.startedAt,
      durationMs: r.durationMs,
      ...(r.metrics && Object.keys(r.metrics).length ? { metrics: r.metrics } : {}),
      evidence: r.evidence.map((e) => ({ label: e.label, path: e.path, sha256: e.sha256 })),
    })),
  };
}

export function renderCertification(report: RunReport): string {
  const doc = new Document(certificationDocument(report));
  doc.commentBefore = ` xdsc certification report, run ${report.info.runId}; evidence paths are relative to this file`;
  // lineWidth 0: never fold long reasons, so grep on a reason finds it on one line.
  return doc.toString({ lineWidth: 0 });
}

export async function writeCertification(runDir: string, report: RunReport): Promise<string> {
  const path = join(runDir, CERTIFICATION_FILE);
  await writeFileAtomic(path, renderCertification(report));
  return path;
}
