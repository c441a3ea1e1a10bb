// allure-results/: one Allure 2 `<uuid>-result.json` per check result, evidence copied next to it as
// attachments, plus environment.properties, executor.json and categories.json. `xdsc report --open`
// renders the folder with allure-commandline (render-allure.ts).
import { createHash } from "node:crypto";
import { copyFile, mkdir, rm } from "node:fs/promises";
import { extname, join } from "node:path";
import type { TestResult } from "allure-js-commons";
import type { CheckResult, RunInfo, RunReport, VerdictKind } from "../checks/types.ts";
import { cellKey, cellLabel } from "./cells.ts";
import { writeFileAtomic } from "./fs-atomic.ts";
import { specUrl } from "./spec-url.ts";

export const ALLURE_DIR = "allure-results";

// Inconclusive maps to "broken": Allure's state for "could not decide", shown apart from real failures.
const STATUS: Record<VerdictKind, "passed" | "failed" | "broken" | "skipped"> = {
  pass: "passed",
  fail: "failed",
  inconclusive: "broken",
  skipped: "skipped",
};

const CONTENT_TYPE: Record<string, string> = {
  ".json": "application/json",
  ".xml": "application/xml",
  ".html": "text/html",
  ".csv": "text/csv",
  ".png": "image/png",
};

function hashHex(text: string, algorithm = "md5"): string {
  return createHash(algorithm).update(text).digest("hex");
}

// Derived, not random: rewriting the results of a run overwrites the same files instead of duplicating.
function derivedUuid(seed: string): string {
  const h = hashHex(seed, "sha1");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function allureResult(
  runId: string,
  r: CheckResult,
): { result: TestResult; copies: [string, string][] } {
  const uuid = derivedUuid(`${runId}\n${cellKey(r)}\n${r.id}\n${r.startedAt}`);
  const start = Date.parse(r.startedAt);
  const copies: [string, string][] = [];
  const attachments = r.evidence.map((e, i) => {
    const ext = extname(e.path) || ".txt";
    const source = `${derivedUuid(`${uuid}\n${i}`)}-attachment${ext}`;
    copies.push([e.path, source]);
    return { name: e.label, source, type: CONTENT_TYPE[ext] ?? "text/plain" };
  });
  const url = specUrl(r.spec);
  const metrics = r.metrics ? Object.entries(r.metrics).map(([k, v]) => `${k}=${v}`) : [];
  const result: TestResult = {
    uuid,
    name: `${r.id}: ${r.title}`,
    fullName: `${cellKey(r)}/${r.suite}/${r.id}`,
    historyId: hashHex(`${cellKey(r)}/${r.id}`),
    testCaseId: hashHex(r.id),
    status: STATUS[r.verdict] as TestResult["status"],
    statusDetails: {
      ...(r.reason ? { message: r.reason } : {}),
      ...(r.verdict !== "pass" && r.evidence.some((e) => e.excerpt)
        ? {
            trace: r.evidence
              .filter((e) => e.excerpt)
              .map((e) => `${e.label} (${e.path}):\n${e.excerpt}`)
              .join("\n\n"),
          }
        : {}),
    },
    stage: "finished" as TestResult["stage"],
    description: [`Spec: ${r.spec}`, `Role: ${r.role}`, ...metrics].join("\n\n"),
    steps: [],
    attachments,
    parameters: [
      { name: "cp", value: r.cp },
      { name: "dp", value: r.dp },
      ...(r.variant ? [{ name: "variant", value: r.variant }] : []),
    ],
    labels: [
      { name: "parentSuite", value: cellLabel(r) },
      { name: "suite", value: r.suite },
      { name: "feature", value: r.suite },
      { name: "story", value: r.id },
      { name: "tag", value: r.role },
      { name: "severity", value: "normal" },
      { name: "framework", value: "xdsc" },
    ],
    links: url ? [{ name: r.spec, url, type: "link" }] : [],
    start: Number.isNaN(start) ? undefined : start,
    stop: Number.isNaN(start) ? undefined : start + r.durationMs,
  };
  return { result, copies };
}

/** Writes (or rewrites) one result and copies its evidence files from the run directory. */
export async function writeAllureResult(runDir: string, runId: string, r: CheckResult): Promise<string> {
  const dir = join(runDir, ALLURE_DIR);
  await mkdir(dir, { recursive: true });
  const { result, copies } = allureResult(runId, r);
  for (const [from, to] of copies) await copyFile(join(runDir, from), join(dir, to));
  const path = join(dir, `${result.uuid}-result.json`);
  await writeFileAtomic(path, JSON.stringify(result, null, 2));
  return path;
}

// Java .properties files are read as ISO-8859-1: escape separators, line breaks and non-ASCII.
function propertiesEscape(text: string, isKey: boolean): string {
  let out = text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t");
  if (isKey) out = out.replace(/([=: #!])/g, "\\$1");
  else out = out.replace(/^([ #!])/, "\\$1");
  return out.replace(/[^\x20-\x7e\\]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** environment.properties, executor.json and categories.json: per run, independent of results. */
export async function writeAllureRunFiles(runDir: string, info: RunInfo): Promise<void> {
  const dir = join(runDir, ALLURE_DIR);
  const env: Record<string, string> = {
    "xdsc.version": info.toolVersion,
    "xdsc.runId": info.runId,
    ...info.environment,
  };
  for (const [i, c] of info.cells.entries()) {
    env[`cell.${i}`] =
      `${cellLabel({ cp: `${c.cp.name} ${c.cp.version}`, dp: `${c.dp.name} ${c.dp.version}`, variant: c.variant })}`;
  }
  const properties = Object.entries(env).map(
    ([k, v]) => `${propertiesEscape(k, true)}=${propertiesEscape(v, false)}`,
  );
  await writeFileAtomic(join(dir, "environment.properties"), properties.join("\n") + "\n");
  const executor = {
    name: "xdsc",
    type: "xdsc",
    buildName: info.runId,
    reportName: `xdsc certification ${info.runId}`,
  };
  await writeFileAtomic(join(dir, "executor.json"), JSON.stringify(executor, null, 2));
  const categories = [
    { name: "Failed checks", matchedStatuses: ["failed"] },
    { name: "Inconclusive (statistics could not decide within the sample cap)", matchedStatuses: ["broken"] },
  ];
  await writeFileAtomic(join(dir, "categories.json"), JSON.stringify(categories, null, 2));
}

/** The whole results folder from a finished report, replacing what was there. */
export async function writeAllureResults(runDir: string, report: RunReport): Promise<string> {
  const dir = join(runDir, ALLURE_DIR);
  await rm(dir, { recursive: true, force: true });
  await writeAllureRunFiles(runDir, report.info);
  for (const r of report.results) await writeAllureResult(runDir, report.info.runId, r);
  return dir;
}
