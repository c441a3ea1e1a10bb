// The verdict of a fixture timeline: pass when every `expect` holds, fail naming each one that did not,
// with the per-request records and the step log as evidence.
import type { TimelineResult } from "../scenario/timeline.ts";
import { summarize } from "../traffic/load-driver.ts";
import { fail, pass } from "./define.ts";
import type { Evidence, Verdict } from "./types.ts";

export function timelineVerdict(result: TimelineResult, file: string): Verdict {
  const s = summarize(result.records);
  const evidence: Evidence[] = [
    { label: "traffic records", file: "traffic.jsonl", content: result.records, excerpt: JSON.stringify(s) },
    {
      label: "expectations",
      file: "expectations.txt",
      content: result.expectations
        .map((e) => `${e.ok ? "ok  " : "FAIL"} ${file}:${e.line} ${e.path}: ${e.message}`)
        .join("\n"),
    },
    { label: "timeline log", file: "timeline.log", content: result.log.join("\n") },
  ];
  const metrics = {
    requests: s.total,
    losses: s.losses,
    ...Object.fromEntries(Object.entries(s.byBackend).map(([b, n]) => [`backend.${b}`, n])),
  };
  if (result.expectations.length === 0)
    return fail(`${file}: the timeline has no expect step, so nothing was checked`, evidence, metrics);
  const failed = result.expectations.filter((e) => !e.ok);
  if (failed.length > 0) {
    return fail(failed.map((e) => `${file}:${e.line}: ${e.message}`).join("; "), evidence, metrics);
  }
  return pass(evidence, metrics);
}
