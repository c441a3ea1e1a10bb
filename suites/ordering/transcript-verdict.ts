// The shape of the transcript-only ordering checks: start the fixture, run its state changes (no
// traffic needed), then judge the whole transcript — from the first response on, so the initial state
// is held to the same rules — with harness/checks/ordering-analysis.ts, which reads only
// TranscriptEntry[] and so works for any control plane behind the tap.
import type { CheckContext } from "../../harness/checks/context.ts";
import { fail, pass } from "../../harness/checks/define.ts";
import {
  analyzeOrdering,
  formatViolation,
  type OrderingRule,
} from "../../harness/checks/ordering-analysis.ts";
import type { Verdict } from "../../harness/checks/types.ts";
import { runTimeline } from "../../harness/scenario/timeline.ts";
import type { TranscriptEntry } from "../../harness/tap/transcript.ts";

export async function runOrderingCheck(ctx: CheckContext, rules: OrderingRule[]): Promise<Verdict> {
  const { stack, fixture } = await ctx.startScenario();
  ctx.phase("applying the fixture's state changes");
  const steps = fixture.timeline.filter(
    (s) => s.kind === "apply" || s.kind === "remove" || s.kind === "wait",
  );
  await runTimeline(stack, { ...fixture, timeline: steps }, { signal: ctx.signal });
  return orderingVerdict(stack.tap.entries(), rules);
}

/** Fails with every violation of `rules`, each with the transcript line that broke it. */
export function orderingVerdict(entries: readonly TranscriptEntry[], rules: OrderingRule[]): Verdict {
  const violations = analyzeOrdering(entries, { rules });
  const t0 = entries[0]?.at ?? 0;
  const responses = entries.filter((e) => e.direction === "response").length;
  const metrics = { responses, violations: violations.length, rules: rules.join(",") };
  const lines = violations.map((v) => formatViolation(v, t0));
  const evidence = [
    { label: "ordering violations", file: "ordering-violations.txt", content: lines.join("\n") || "none" },
  ];
  if (responses === 0) return fail("transcript: expected responses to judge, got none", evidence, metrics);
  if (violations.length === 0) return pass(evidence, metrics);
  const more = violations.length > 3 ? ` (+${violations.length - 3} more)` : "";
  return fail(
    `ordering: expected no violation of ${rules.join(", ")}, got ${violations.length}: ${lines.slice(0, 3).join("; ")}${more}`,
    evidence,
    metrics,
  );
}
