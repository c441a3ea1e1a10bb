// junit.xml for CI systems: one <testsuite> per (cell, suite). Inconclusive is reported as a failure of
// type "inconclusive": JUnit has no such state, and a CI gate must not read it as a pass.
import { join } from "node:path";
import type { CheckResult, RunReport } from "../checks/types.ts";
import { cellKey, cellLabel, countVerdicts, reportCells } from "./cells.ts";
import { writeFileAtomic } from "./fs-atomic.ts";

export const JUNIT_FILE = "junit.xml";

// Characters XML 1.0 cannot carry at all, even escaped: C0 controls except tab/LF/CR, lone surrogates,
// U+FFFE/U+FFFF.
const XML_INVALID =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlText(text: string): string {
  return text.replace(XML_INVALID, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

// Attribute values also escape quotes, and whitespace as character references, which attribute-value
// normalisation would otherwise turn into spaces.
export function xmlAttr(text: string): string {
  return xmlText(text)
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\t/g, "&#9;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;");
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`)
    .join("");
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

function failureBody(r: CheckResult): string {
  const parts = [r.reason ?? `verdict ${r.verdict}`, `spec: ${r.spec}`];
  if (r.metrics)
    parts.push(
      Object.entries(r.metrics)
        .map(([k, v]) => `${k}=${v}`)
        .join(", "),
    );
  for (const e of r.evidence) {
    parts.push(`${e.label}: ${e.path} (sha256 ${e.sha256})` + (e.excerpt ? `\n${e.excerpt}` : ""));
  }
  return parts.join("\n\n");
}

function testcase(r: CheckResult): string {
  const head = `    <testcase${attrs({ classname: `${r.suite}.${cellKey(r)}`, name: `${r.id}: ${r.title}`, time: seconds(r.durationMs) })}`;
  switch (r.verdict) {
    case "pass":
      return `${head}/>`;
    case "skipped":
      return `${head}>\n      <skipped${attrs({ message: r.reason ?? "skipped" })}/>\n    </testcase>`;
    case "fail":
    case "inconclusive":
      return (
        `${head}>\n      <failure${attrs({ message: r.reason ?? r.verdict, type: r.verdict })}>` +
        `${xmlText(failureBody(r))}</failure>\n    </testcase>`
      );
  }
}

export function renderJunit(report: RunReport): string {
  const { info, results } = report;
  const total = countVerdicts(results);
  const totalMs = results.reduce((sum, r) => sum + r.durationMs, 0);
  const out = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites${attrs({
      name: `xdsc ${info.runId}`,
      tests: results.length,
      failures: total.fail + total.inconclusive,
      errors: 0,
      skipped: total.skipped,
      time: seconds(totalMs),
      timestamp: info.startedAt,
    })}>`,
  ];
  for (const cell of reportCells(report)) {
    const inCell = results.filter((r) => cellKey(r) === cell.key);
    for (const suite of [...new Set(inCell.map((r) => r.suite))]) {
      const group = inCell.filter((r) => r.suite === suite);
      const n = countVerdicts(group);
      out.push(
        `  <testsuite${attrs({
          name: `${suite} · ${cellLabel({ cp: cell.cp.name, dp: cell.dp.name, variant: cell.variant })}`,
          tests: group.length,
          failures: n.fail + n.inconclusive,
          errors: 0,
          skipped: n.skipped,
          time: seconds(group.reduce((sum, r) => sum + r.durationMs, 0)),
          timestamp: group[0]!.startedAt,
        })}>`,
        `    <properties>`,
        `      <property${attrs({ name: "cp", value: `${cell.cp.name} ${cell.cp.version}` })}/>`,
        `      <property${attrs({ name: "dp", value: `${cell.dp.name} ${cell.dp.version}` })}/>`,
        ...(cell.variant ? [`      <property${attrs({ name: "variant", value: cell.variant })}/>`] : []),
        `    </properties>`,
        ...group.map(testcase),
        `  </testsuite>`,
      );
    }
  }
  out.push(`</testsuites>`, "");
  return out.join("\n");
}

export async function writeJunit(runDir: string, report: RunReport): Promise<string> {
  const path = join(runDir, JUNIT_FILE);
  await writeFileAtomic(path, renderJunit(report));
  return path;
}
