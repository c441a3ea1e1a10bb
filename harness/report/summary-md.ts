// summary.md: the matrix at a glance (rows: checks, columns: cells), then what failed and why, with the
// evidence excerpts inline and links to the files, then what was skipped.
import { join } from "node:path";
import type { CheckResult, RunReport } from "../checks/types.ts";
import { type Cell, VERDICT_ICON, cellKey, cellLabel, countVerdicts, reportCells } from "./cells.ts";
import { writeFileAtomic } from "./fs-atomic.ts";
import { specUrl } from "./spec-url.ts";

export const SUMMARY_FILE = "summary.md";

/**
 * Evidence label of a client's strictness rules (a check on a gRPC proxyless client adds one, see
 * harness/dataplanes/proxyless.ts): listed once per cell, so a pass says which constraints applied.
 */
export const CLIENT_CONSTRAINTS_EVIDENCE = "client constraints";

// C0 controls (ANSI colour codes from logs, bells) would garble the rendered page.
function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, "");
}

/** Prose from checks (reasons, titles) as literal text: no accidental HTML, emphasis, links or columns. */
function mdText(text: string): string {
  return printable(text)
    .replace(/\r?\n/g, " ")
    .replace(/[\\`*_[\]<>|]/g, "\\$&");
}

// A fence longer than any backtick run inside the excerpt cannot be closed early by it.
function fenced(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}\n${printable(text)}\n${fence}`;
}

function link(label: string, path: string): string {
  return `[${mdText(label)}](${path.split("/").map(encodeURIComponent).join("/")})`;
}

function suiteTable(suite: string, results: CheckResult[], cells: Cell[]): string[] {
  const used = cells.filter((c) => results.some((r) => cellKey(r) === c.key));
  const checks = new Map<string, string>();
  for (const r of results) if (!checks.has(r.id)) checks.set(r.id, r.title);
  const lines = [
    `## ${suite}`,
    "",
    `| check | ${used.map((c) => mdText(c.label)).join(" | ")} |`,
    `| --- | ${used.map(() => ":-:").join(" | ")} |`,
  ];
  for (const [id, title] of checks) {
    const marks = used.map((c) => {
      const r = results.find((x) => x.id === id && cellKey(x) === c.key);
      return r ? VERDICT_ICON[r.verdict] : "—";
    });
    lines.push(`| \`${id}\` ${mdText(title)} | ${marks.join(" | ")} |`);
  }
  return [...lines, ""];
}

/** Per cell and reason, the checks its kind does not apply to (e.g. Envoy-only checks on a gRPC client). */
function checksNotApplicable(info: RunReport["info"]): string[] {
  const groups = new Map<string, string[]>();
  for (const n of info.checksNotApplicable ?? []) {
    const key = `${mdText(`${n.cp} × ${n.dp} (${n.variant})`)}: ${mdText(n.reason)}`;
    groups.set(key, [...(groups.get(key) ?? []), n.check]);
  }
  if (groups.size === 0) return [];
  const lines = ["Checks that do not apply to a cell (left out, with why):", ""];
  for (const [key, ids] of groups) lines.push(`- ${key}: ${ids.map((id) => `\`${id}\``).join(", ")}`);
  return [...lines, ""];
}

/** Per cell, the client constraints its checks recorded (the first result that carries them). */
function clientConstraints(results: CheckResult[], cells: Cell[]): string[] {
  const lines: string[] = [];
  for (const c of cells) {
    const evidence = results
      .filter((r) => cellKey(r) === c.key)
      .flatMap((r) => r.evidence)
      .find((e) => e.label === CLIENT_CONSTRAINTS_EVIDENCE);
    if (!evidence) continue;
    lines.push(`- **${mdText(c.label)}** (${link("why each applies", evidence.path)}):`);
    for (const line of (evidence.excerpt ?? "").split("\n").filter(Boolean))
      lines.push(`  - ${mdText(line)}`);
  }
  if (lines.length === 0) return [];
  return [
    "## Client constraints",
    "",
    "What these clients require beyond the xDS protocol; the harness generated resources and bootstraps that meet every entry.",
    "",
    ...lines,
    "",
  ];
}

function detail(r: CheckResult): string[] {
  const url = specUrl(r.spec);
  const spec = url ? `[${mdText(r.spec)}](${url})` : mdText(r.spec);
  const lines = [
    `### ${VERDICT_ICON[r.verdict]} \`${r.id}\` on ${mdText(cellLabel(r))}`,
    "",
    `${mdText(r.title)} (spec: ${spec})`,
    "",
  ];
  if (r.reason) lines.push(`**Reason:** ${mdText(r.reason)}`, "");
  if (r.metrics && Object.keys(r.metrics).length) {
    lines.push(
      mdText(
        Object.entries(r.metrics)
          .map(([k, v]) => `${k}=${v}`)
          .join(", "),
      ),
      "",
    );
  }
  for (const e of r.evidence) {
    lines.push(`- ${link(e.label, e.path)}`);
    if (e.excerpt) lines.push("", fenced(e.excerpt), "");
  }
  if (lines.at(-1) !== "") lines.push("");
  return lines;
}

export function renderSummaryMarkdown(report: RunReport): string {
  const { info, results } = report;
  const counts = countVerdicts(results);
  const cells = reportCells(report);
  const lines = [`# xdsc certification run ${info.runId}`, ""];
  lines.push(
    `xds-conformance ${info.toolVersion} · started ${info.startedAt}` +
      (info.finishedAt ? ` · finished ${info.finishedAt}` : ""),
    "",
  );
  if (info.interrupted)
    lines.push("> ⚠ **Partial report**: the run was interrupted or is still running.", "");
  lines.push(
    `**${VERDICT_ICON.pass} ${counts.pass} pass · ${VERDICT_ICON.fail} ${counts.fail} fail · ` +
      `${VERDICT_ICON.inconclusive} ${counts.inconclusive} inconclusive · ${VERDICT_ICON.skipped} ${counts.skipped} skipped** ` +
      `(${results.length} results)`,
    "",
    "| cell | control plane | data plane | pass | fail | inconclusive | skipped |",
    "| --- | --- | --- | --: | --: | --: | --: |",
  );
  for (const c of cells) {
    const n = countVerdicts(results.filter((r) => cellKey(r) === c.key));
    lines.push(
      `| ${mdText(c.label)} | ${mdText(`${c.cp.name} ${c.cp.version}`)} | ${mdText(`${c.dp.name} ${c.dp.version}`)} | ${n.pass} | ${n.fail} | ${n.inconclusive} | ${n.skipped} |`,
    );
  }
  lines.push("");
  if (info.notApplicable?.length) {
    lines.push("Cells of the requested matrix that are not applicable (left out):", "");
    for (const n of info.notApplicable)
      lines.push(`- ${mdText(`${n.cp} × ${n.dp} (${n.variant})`)}: ${mdText(n.reason)}`);
    lines.push("");
  }
  lines.push(...checksNotApplicable(info));
  lines.push(...clientConstraints(results, cells));
  const suites = [...new Set(results.map((r) => r.suite))];
  for (const suite of suites)
    lines.push(
      ...suiteTable(
        suite,
        results.filter((r) => r.suite === suite),
        cells,
      ),
    );

  const failed = results.filter((r) => r.verdict === "fail");
  if (failed.length) lines.push("## Failures", "", ...failed.flatMap(detail));
  const unsure = results.filter((r) => r.verdict === "inconclusive");
  if (unsure.length) lines.push("## Inconclusive", "", ...unsure.flatMap(detail));
  const skipped = results.filter((r) => r.verdict === "skipped");
  if (skipped.length) {
    lines.push("## Skipped", "");
    for (const r of skipped)
      lines.push(`- \`${r.id}\` on ${mdText(cellLabel(r))}: ${mdText(r.reason ?? "no reason given")}`);
    lines.push("");
  }
  return lines.join("\n").trimEnd() + "\n";
}

export async function writeSummaryMarkdown(runDir: string, report: RunReport): Promise<string> {
  const path = join(runDir, SUMMARY_FILE);
  await writeFileAtomic(path, renderSummaryMarkdown(report));
  return path;
}
