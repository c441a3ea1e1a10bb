// R90, Envoy only (a cluster nothing routes to is known through Envoy's wildcard CDS; a proxyless client
// learns clusters from its own routes), judged from the transcript alone.
import { defineCheck, fail, pass } from "../../harness/checks/define.ts";
import { ENDPOINT_TYPE_URL } from "../../harness/proto/type-urls.ts";
import { grpcStreams } from "./support/define.ts";
import { dpDoubleOf, dpDoubleTwin, runDpDouble } from "./support/dp-doubles.ts";
import { asGiven, baseOf, extraCluster, followedBy, subscribed } from "./support/dp-scenario.ts";
import { subscriptionFollows } from "./support/dp-wire-rules.ts";

export const dpEdsFollowsCds = defineCheck({
  id: "protocol.dp-eds-follows-cds",
  suite: "protocol",
  title: "Endpoint subscriptions follow the clusters: subscribed when a cluster comes, dropped when it goes",
  spec: "xds_protocol#resource-warming, xds_protocol#unsubscribing-from-resources (EDS names follow the clusters that reference them)",
  role: "data-plane",
  requires: ["envoy-admin"],
  fixture: "smoke.yaml",
  appliesTo: grpcStreams,
  twins: [dpDoubleTwin("keeps-stale-eds-name", "keeps subscribing to a removed cluster's endpoints")],
  timeoutMs: 60_000,
  async run(ctx) {
    const double = dpDoubleOf(ctx);
    if (double) {
      const d = await runDpDouble(ctx, double);
      const reason = subscriptionFollows(d.entries, ENDPOINT_TYPE_URL, d.subject!);
      return reason ? fail(reason) : pass();
    }
    const s = await ctx.startScenario();
    ctx.phase('adding cluster "other", then removing it');
    await s.stack.applyAndSettle("v2", [...baseOf(s), ...extraCluster(s, "other")]);
    // A control plane that does not wait for subscriptions (anything but the reference server) may be
    // done with v2 before Envoy asked for "other"'s endpoints: removing it then would judge a subscription
    // that never had the time to happen. Wait (deadline) for it; a data plane that never subscribes is
    // judged by the rule below.
    await subscribed(s.stack, ENDPOINT_TYPE_URL, "other");
    await s.stack.applyAndSettle("v3", baseOf(s), asGiven(s.stack));
    await followedBy(s.stack, ENDPOINT_TYPE_URL, "other");
    const reason = subscriptionFollows([...s.stack.tap.entries()], ENDPOINT_TYPE_URL, "other");
    return reason ? fail(reason) : pass();
  },
});
