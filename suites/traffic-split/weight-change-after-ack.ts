import { defineCheck } from "../../harness/checks/define.ts";
import { ROUTE_TYPE_URL } from "../../harness/proto/type-urls.ts";
import { waitFor } from "../../harness/dataplanes/envoy-admin.ts";
import { isStepOf } from "../../harness/scenario/stack.ts";
import { runFixedCount } from "../../harness/traffic/load-driver.ts";
import { judgeSplit } from "./support/judge.ts";
import { ALPHA, POWER, type SplitPlan } from "./support/plan.ts";
import { sampleThrough, serverCounts } from "./support/run-split.ts";
import { SKEW, SKEW_ROUTE, STALE_ROUTE_WEIGHTS } from "./support/twins.ts";

// v2 turns 90/10 into 10/90 while load runs. The new split is owed only once the data plane ACKed the
// route version v2 (xds_protocol#ack-and-nack-semantics), so only requests sent after the tap recorded that
// ACK are samples; everything sent is still counted for the client/server cross-check.
const LOAD_BEFORE_CHANGE = 300;

export const PLAN_AFTER_CHANGE: SplitPlan = {
  weights: { a: 10, b: 90 },
  statistics: { alpha: ALPHA, tolerance: SKEW, power: POWER },
  method: { kind: "sprt", target: "a" },
};

export const weightChangeAfterAck = defineCheck({
  id: "traffic-split.weight-change-after-ack",
  suite: "traffic-split",
  statistics: { alpha: ALPHA, power: POWER },
  title: "A weight change under load (90/10 → 10/90) holds from the ACK of the new route version on",
  spec: "xds_protocol#ack-and-nack-semantics; route.proto RouteAction.weighted_clusters",
  role: "both",
  requires: ["http-listener"],
  fixture: "traffic-split/weight-change.yaml",
  twins: [STALE_ROUTE_WEIGHTS, SKEW_ROUTE],
  timeoutMs: 60_000,
  async run(ctx) {
    const { stack, fixture } = await ctx.startScenario();
    const change = fixture.timeline.find((s) => s.kind === "apply");
    if (!change || change.kind !== "apply")
      throw new Error(`${fixture.file}: expected an apply step, got none`);
    ctx.phase(`load on, applying ${change.version}`);
    const stopLoad = new AbortController();
    const load = runFixedCount({
      url: stack.url("ingress"),
      count: 200_000,
      concurrency: 4,
      timeoutMs: 5000,
      signal: AbortSignal.any([stopLoad.signal, ctx.signal]),
    });
    try {
      // The change goes out once the load is flowing, so it lands in the middle of traffic.
      const answered = () => [...stack.backends.values()].reduce((n, b) => n + b.getCount(), 0);
      await waitFor(
        async () =>
          answered() >= LOAD_BEFORE_CHANGE
            ? { done: true, value: 0 }
            : { done: false, seen: `${answered()} answered` },
        {
          what: `backends answering ${LOAD_BEFORE_CHANGE} requests before the change`,
          timeoutMs: 10_000,
          intervalMs: 10,
        },
      );
      const applied = stack.apply(
        change.version,
        change.state.map((r) => r.json),
      );
      const ack = await stack.tap.waitFor(
        (e) =>
          e.classification === "ack" &&
          e.typeUrl === ROUTE_TYPE_URL &&
          e.nodeId === stack.node.id &&
          isStepOf(e.answers?.version, change.version),
        `ACK of route version "${change.version}"`,
        15_000,
      );
      await applied;
      stopLoad.abort();
      const during = await load;
      ctx.phase(`sampling after the ACK of ${change.version}`);
      const result = await sampleThrough(ctx, stack, PLAN_AFTER_CHANGE, {
        isSample: (r) => r.sentAt > ack.at,
        earlier: during,
      });
      const verdict = judgeSplit(PLAN_AFTER_CHANGE, result, serverCounts(stack));
      verdict.metrics = {
        ...verdict.metrics,
        requestsDuringChange: during.length,
        ackVersion: ack.answers?.version ?? "",
      };
      return verdict;
    } finally {
      stopLoad.abort();
      await load.catch(() => undefined);
    }
  },
});
