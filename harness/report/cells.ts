// Matrix cells and verdict tallies shared by every report form, so that the YAML, the markdown, JUnit and
// Allure all name a cell the same way and count verdicts the same way.
import type { CheckResult, Implementation, RunReport, VerdictKind } from "../checks/types.ts";

export interface Cell {
  /** File- and classname-safe identifier, e.g. "reference--envoy--sotw-ads". */
  key: string;
  /** Human label, e.g. "reference × envoy (sotw-ads)". */
  label: string;
  cp: Implementation;
  dp: Implementation;
  variant?: string;
}

export type VerdictCounts = Record<VerdictKind, number>;

export const VERDICTS: readonly VerdictKind[] = ["pass", "fail", "inconclusive", "skipped"];
export const VERDICT_ICON: Record<VerdictKind, string> = {
  pass: "✅",
  fail: "❌",
  inconclusive: "❔",
  skipped: "⏭",
};

// Dots are replaced too: JUnit consumers split classnames on dots into package and class.
function safe(part: string): string {
  return part.replace(/[^A-Za-z0-9_-]+/g, "_");
}

export function cellKey(cell: { cp: string; dp: string; variant?: string }): string {
  return [cell.cp, cell.dp, ...(cell.variant ? [cell.variant] : [])].map(safe).join("--");
}

export function cellLabel(cell: { cp: string; dp: string; variant?: string }): string {
  return `${cell.cp} × ${cell.dp}${cell.variant ? ` (${cell.variant})` : ""}`;
}

export function resultCellKey(result: CheckResult): string {
  return cellKey(result);
}

/** The run's cells in declared order, then any cell that only appears in results (version unknown). */
export function reportCells(report: RunReport): Cell[] {
  const cells = new Map<string, Cell>();
  for (const c of report.info.cells) {
    const names = { cp: c.cp.name, dp: c.dp.name, variant: c.variant };
    cells.set(cellKey(names), {
      key: cellKey(names),
      label: cellLabel(names),
      cp: c.cp,
      dp: c.dp,
      variant: c.variant,
    });
  }
  for (const r of report.results) {
    const key = cellKey(r);
    if (!cells.has(key)) {
      cells.set(key, {
        key,
        label: cellLabel(r),
        cp: { name: r.cp, version: "unknown" },
        dp: { name: r.dp, version: "unknown" },
        variant: r.variant,
      });
    }
  }
  return [...cells.values()];
}

export function countVerdicts(results: readonly CheckResult[]): VerdictCounts {
  const counts: VerdictCounts = { pass: 0, fail: 0, inconclusive: 0, skipped: 0 };
  for (const r of results) counts[r.verdict]++;
  return counts;
}
