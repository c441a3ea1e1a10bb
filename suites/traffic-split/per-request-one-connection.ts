import { defineCheck, fail } from "../../harness/checks/define.ts";
import { judgeSplit } from "./support/judge.ts";
import { sampleThrough, serverCounts } from "./support/run-split.ts";
import { SKEW_ROUTE } from "./support/twins.ts";
import { PLAN_90_10 } from "./weighted-90-10.ts";

// weighted_clusters is chosen per request, not per connection: samples travel one at a time on kept-alive
// downstream connections (one per batch of 1,000, so usually one or two in all), and the split must still
// hold. A data plane that pinned a connection to one cluster would send a whole batch to a or to b, which
// the SPRT rejects within a few hundred samples.
const BATCH = 1000;
export const perRequestOneConnection = defineCheck({
  id: "traffic-split.per-request-on-one-connection",
  suite: "traffic-split",
  title: "weighted_clusters 90/10 holds per request on a single kept-alive connection",
  spec: "route.proto RouteAction.weighted_clusters (chosen per request)",
  role: "data-plane",
  requires: ["http-listener", "envoy-admin"],
  fixture: "traffic-split/weighted-90-10.yaml",
  twins: [SKEW_ROUTE],
  timeoutMs: 60_000,
  async run(ctx) {
    const { stack } = await ctx.startScenario();
    const result = await sampleThrough(ctx, stack, PLAN_90_10, { concurrency: 1, batchSize: BATCH });
    const verdict = judgeSplit(PLAN_90_10, result, serverCounts(stack));
    const stats = await stack.dp.admin.stats("http.ingress.downstream_cx_total");
    const connections = stats["http.ingress.downstream_cx_total"];
    const batches = Math.ceil(result.records.length / BATCH);
    verdict.metrics = { ...verdict.metrics, downstreamConnections: connections ?? "n/a", batches };
    if (verdict.verdict === "pass" && !(connections <= batches))
      return fail(
        `downstream connections: expected at most ${batches} (one kept-alive connection per batch), got ${connections}`,
        verdict.evidence,
        verdict.metrics,
      );
    return verdict;
  },
});
