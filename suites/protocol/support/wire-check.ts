// The run of a data-plane check judged from the transcript alone: a twin runs its scripted double
// (dp-doubles.ts), otherwise the real data plane starts the fixture and `act` drives it further; the
// same rule judges either transcript, which is what proves the rule can fail.
import { fail, pass } from "../../../harness/checks/define.ts";
import type { Verdict } from "../../../harness/checks/types.ts";
import type { CheckContext } from "../../../harness/checks/context.ts";
import type { Scenario } from "../../../harness/scenario/scenario.ts";
import type { TranscriptEntry } from "../../../harness/tap/transcript.ts";
import { dpDoubleOf, runDpDouble } from "./dp-doubles.ts";

/** A wire rule: the reason the transcript breaks it, or undefined. */
export type WireRule = (entries: readonly TranscriptEntry[], nodeId: string) => string | undefined;

export interface WireCheck {
  /** What the check does to the started scenario before the transcript is judged. */
  act?: (s: Scenario) => Promise<void>;
  /** Metrics a passing verdict reports, from the judged transcript. */
  metrics?: (entries: readonly TranscriptEntry[]) => Verdict["metrics"];
}

export async function judgeTranscript(
  ctx: CheckContext,
  rule: WireRule,
  { act, metrics }: WireCheck = {},
): Promise<Verdict> {
  const double = dpDoubleOf(ctx);
  let run: { entries: TranscriptEntry[]; nodeId: string };
  if (double) run = await runDpDouble(ctx, double);
  else {
    const s = await ctx.startScenario();
    await act?.(s);
    run = { entries: [...s.stack.tap.entries()], nodeId: s.stack.node.id };
  }
  const reason = rule(run.entries, run.nodeId);
  return reason ? fail(reason) : pass([], metrics?.(run.entries));
}
