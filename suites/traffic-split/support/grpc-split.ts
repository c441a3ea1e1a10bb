// The traffic-split shape for proxyless gRPC clients: the same declared plan and judge as the HTTP checks
// (support/run-split.ts), with RPCs through the client's xDS channel as the request source. gRPC picks a
// weighted cluster per RPC (gRFC A28), so every RPC is an independent sample on one channel.
import type { CheckContext } from "../../../harness/checks/context.ts";
import { fail } from "../../../harness/checks/define.ts";
import type { Verdict } from "../../../harness/checks/types.ts";
import type { Fixture } from "../../../harness/fixtures/types.ts";
import { CLUSTER_TYPE_URL, ROUTE_TYPE_URL } from "../../../harness/proto/type-urls.ts";
import { formatEntry } from "../../../harness/tap/transcript.ts";
import type { StartedProxylessClient } from "../../../harness/dataplanes/proxyless.ts";
import type { Scenario } from "../../../harness/scenario/scenario.ts";
import { sampleSplit, type SplitSample } from "../../../harness/traffic/split-sampler.ts";
import { judgeSplit } from "./judge.ts";
import { fixedSamples, sprtPlan, type SplitPlan } from "./plan.ts";
import { serverCounts } from "./run-split.ts";

/** Open-loop rate of each batch: fast enough for a few thousand samples, slow enough for two cores. */
const RPC_RATE_PER_SEC = 1000;

/** How long the client may take to ACK the fixture's state and get its channel READY. */
const READY_DEADLINE_MS = 10_000;

/**
 * Starts the fixture on the proxyless client and waits, with a deadline, until it ACKed the state and its
 * channel is READY. A client that never gets there (a withheld response, a route to a cluster that does
 * not exist) is the check's failure, not an error: the verdict names the last RDS/CDS exchanges.
 */
export async function startProxyless(
  ctx: CheckContext,
  fixture?: Fixture,
  readyDeadlineMs = READY_DEADLINE_MS,
): Promise<{ scenario: Scenario; verdict?: undefined } | { verdict: Verdict }> {
  const scenario = await ctx.startScenario(fixture, { waitReady: false });
  const { stack } = scenario;
  try {
    const deadline = Date.now() + readyDeadlineMs;
    await stack.waitForAcked(scenario.fixture.version, readyDeadlineMs);
    await stack.dataPlane!.waitForReady({ timeoutMs: Math.max(1, deadline - Date.now()) });
    return { scenario };
  } catch (e) {
    const entries = stack.tap.entries();
    const t0 = entries[0]?.at ?? 0;
    const xds = entries.filter((x) => x.typeUrl === CLUSTER_TYPE_URL || x.typeUrl === ROUTE_TYPE_URL);
    const cds = xds.filter((x) => x.typeUrl === CLUSTER_TYPE_URL);
    const asked = cds.filter((x) => x.direction === "request").at(-1)?.resourceNames ?? [];
    const got = cds
      .filter((x) => x.direction === "response")
      .at(-1)
      ?.resources?.map((r) => r.name);
    const verdict = fail(
      `client ready: expected the state ACKed and the channel READY within ${readyDeadlineMs}ms, got ${(e as Error).message} (last CDS request [${asked.join(", ")}], last CDS response ${got ? `[${got.join(", ")}]` : "none"})`,
      [
        {
          label: "RDS and CDS exchanges",
          file: "rds-cds.txt",
          content: xds.map((x) => formatEntry(x, t0)).join("\n") || "none",
        },
      ],
    );
    return { verdict };
  }
}

export async function sampleRpcs(
  ctx: CheckContext,
  scenario: Scenario,
  plan: SplitPlan,
): Promise<SplitSample> {
  const client = scenario.stack.dataPlane as StartedProxylessClient;
  const sequential = sprtPlan(plan);
  const fixed = fixedSamples(plan);
  ctx.phase(
    sequential ? `SPRT on ${sequential.target} (cap ${sequential.maxSamples})` : `sending ${fixed} RPCs`,
  );
  return sampleSplit({
    source: (count) => client.sendRpcs({ count, ratePerSec: RPC_RATE_PER_SEC, timeoutMs: 5000 }),
    classify: (r) => (r.backend && r.backend in plan.weights ? r.backend : undefined),
    sequential,
    fixedSamples: fixed > 0 ? fixed : undefined,
    batchSize: 400,
    signal: ctx.signal,
  });
}

/** Starts the check's fixture on the proxyless client, samples the split with the plan, and judges it. */
export async function runGrpcSplitCheck(ctx: CheckContext, plan: SplitPlan): Promise<Verdict> {
  const started = await startProxyless(ctx);
  if (started.verdict) return started.verdict;
  const { scenario } = started;
  const result = await sampleRpcs(ctx, scenario, plan);
  return judgeSplit(plan, result, serverCounts(scenario.stack));
}
