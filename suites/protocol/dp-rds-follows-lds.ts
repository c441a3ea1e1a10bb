// R91, Envoy only (a second listener is known through Envoy's wildcard LDS; a proxyless client watches
// its one API listener), judged from the transcript alone.
import { defineCheck, fail, pass } from "../../harness/checks/define.ts";
import { ROUTE_TYPE_URL } from "../../harness/proto/type-urls.ts";
import { grpcStreams } from "./support/define.ts";
import { dpDoubleOf, dpDoubleTwin, runDpDouble } from "./support/dp-doubles.ts";
import { asGiven, baseOf, extraListener, followedBy } from "./support/dp-scenario.ts";
import { subscriptionFollows } from "./support/dp-wire-rules.ts";

export const dpRdsFollowsLds = defineCheck({
  id: "protocol.dp-rds-follows-lds",
  suite: "protocol",
  title: "Route subscriptions follow the listeners: subscribed when a listener comes, dropped when it goes",
  spec: "xds_protocol#resource-warming, xds_protocol#unsubscribing-from-resources (RDS names follow the listeners that reference them)",
  role: "data-plane",
  requires: ["envoy-admin"],
  fixture: "smoke.yaml",
  appliesTo: grpcStreams,
  twins: [dpDoubleTwin("keeps-stale-rds-name", "keeps subscribing to a removed listener's routes")],
  timeoutMs: 60_000,
  async run(ctx) {
    const double = dpDoubleOf(ctx);
    if (double) {
      const d = await runDpDouble(ctx, double);
      const reason = subscriptionFollows(d.entries, ROUTE_TYPE_URL, d.subject!);
      return reason ? fail(reason) : pass();
    }
    // A removed listener drains (Envoy: --drain-time-s, 600 s by default) and keeps its routes until it
    // is gone; a short drain lets the check see the end of the subscription.
    const s = await ctx.startScenario({ ...ctx.loadFixture(), dataPlane: { drain_time_s: 1 } });
    ctx.phase('adding listener "side", then removing it');
    await s.stack.applyAndSettle("v2", [...baseOf(s), ...extraListener("side")]);
    await s.stack.applyAndSettle("v3", baseOf(s), asGiven(s.stack));
    await followedBy(s.stack, ROUTE_TYPE_URL, "side-routes");
    const reason = subscriptionFollows([...s.stack.tap.entries()], ROUTE_TYPE_URL, "side-routes");
    return reason ? fail(reason) : pass();
  },
});
