// R33, Envoy only (admin config_dump): a delta push of one cluster keeps the others.
import { defineCheck, fail, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL } from "../../harness/proto/type-urls.ts";
import { deltaStreams } from "./support/define.ts";
import { dpDoubleOf, dpDoubleTwin, runDpDouble } from "./support/dp-doubles.ts";
import { asGiven, baseOf, extraCluster } from "./support/dp-scenario.ts";
import { deltaKeepsUnchanged } from "./support/dp-state-rules.ts";
import { envoyApplied, only } from "./support/envoy-applied.ts";

export const dpDeltaPartialKeeps = defineCheck({
  id: "protocol.dp-delta-partial-keeps",
  suite: "protocol",
  title: "A delta response carrying one new cluster keeps the unchanged ones",
  spec: "xds_protocol#grouping-resources-into-responses (incremental: the client must not delete the unchanged resources)",
  role: "data-plane",
  requires: ["envoy-admin"],
  fixture: "smoke.yaml",
  appliesTo: deltaStreams,
  twins: [dpDoubleTwin("replaces-state-on-delta", "takes each delta response for the complete state")],
  timeoutMs: 60_000,
  async run(ctx) {
    const double = dpDoubleOf(ctx);
    if (double) {
      const d = await runDpDouble(ctx, double);
      const reason = deltaKeepsUnchanged(d.entries, d.applied!);
      return reason ? fail(reason) : pass();
    }
    const s = await ctx.startScenario();
    const two = [...baseOf(s), ...extraCluster(s, "other")];
    await s.stack.applyAndSettle("v2", two);
    // A new cluster rather than a changed one: an updated cluster warms again until a new load
    // assignment comes, which a delta server need not send when the endpoints did not change.
    ctx.phase('adding cluster "third" only');
    await s.stack.applyAndSettle("v3", [...two, ...extraCluster(s, "third")], asGiven(s.stack));
    const applied = only(await envoyApplied(s.stack.dp.admin), [CLUSTER_TYPE_URL]);
    const reason = deltaKeepsUnchanged([...s.stack.tap.entries()], applied);
    return reason ? fail(reason) : pass();
  },
});
