// The shape every traffic-split check shares: start the fixture (the scenario waits until the data plane
// ACKed the initial version and is ready), sample the split through the listener with the declared plan,
// and judge it. Checks that change the configuration first pass `isSample` to drop what was sent before
// the ACK of the new version.
import type { CheckContext } from "../../../harness/checks/context.ts";
import type { Verdict } from "../../../harness/checks/types.ts";
import type { Stack } from "../../../harness/scenario/stack.ts";
import { driverSource, sampleSplit, type SplitSample } from "../../../harness/traffic/split-sampler.ts";
import type { TrafficRecord } from "../../../harness/traffic/traffic-record.ts";
import { judgeSplit } from "./judge.ts";
import { fixedSamples, sprtPlan, type SplitPlan } from "./plan.ts";

export interface SamplingOptions {
  listener?: string;
  /** "per-request": a new connection per sample, for splits made per connection (TCP proxy). */
  connection?: "reuse" | "per-request";
  concurrency?: number;
  batchSize?: number;
  isSample?: (r: TrafficRecord) => boolean;
  /** Requests sent before sampling that the cross-check must count too. */
  earlier?: TrafficRecord[];
}

export async function sampleThrough(
  ctx: CheckContext,
  stack: Stack,
  plan: SplitPlan,
  opts: SamplingOptions = {},
): Promise<SplitSample> {
  const sequential = sprtPlan(plan);
  const fixed = fixedSamples(plan);
  ctx.phase(
    sequential ? `SPRT on ${sequential.target} (cap ${sequential.maxSamples})` : `sampling ${fixed} requests`,
  );
  const result = await sampleSplit({
    source: driverSource({
      url: stack.url(opts.listener ?? "ingress"),
      timeoutMs: 5000,
      concurrency: opts.concurrency ?? 8,
      newConnectionPerRequest: opts.connection === "per-request",
      signal: ctx.signal,
    }),
    classify: (r) => (r.backend && r.backend in plan.weights ? r.backend : undefined),
    sequential,
    fixedSamples: fixed > 0 ? fixed : undefined,
    batchSize: opts.batchSize ?? 400,
    isSample: opts.isSample,
    signal: ctx.signal,
  });
  return opts.earlier ? { ...result, records: [...opts.earlier, ...result.records] } : result;
}

export function serverCounts(stack: Stack): Record<string, number> {
  return Object.fromEntries([...stack.backends].map(([name, b]) => [name, b.getCount()]));
}

/** Starts the check's fixture, samples the split with the plan, and judges it. */
export async function runSplitCheck(
  ctx: CheckContext,
  plan: SplitPlan,
  opts: SamplingOptions = {},
): Promise<Verdict> {
  const { stack } = await ctx.startScenario();
  const result = await sampleThrough(ctx, stack, plan, opts);
  return judgeSplit(plan, result, serverCounts(stack));
}
