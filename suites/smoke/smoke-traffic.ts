import { defineCheck } from "../../harness/checks/define.ts";
import { timelineVerdict } from "../../harness/checks/timeline-verdict.ts";
import { runTimeline } from "../../harness/scenario/timeline.ts";

export const smokeTraffic = defineCheck({
  id: "smoke.traffic-reaches-endpoints",
  suite: "smoke",
  title: "Traffic through the listener reaches every endpoint of the cluster and none is lost",
  spec: "envoy: arch_overview/upstream/load_balancing (round robin over EDS endpoints)",
  role: "both",
  requires: ["http-listener"],
  fixture: "smoke.yaml",
  twins: [
    {
      name: "fixture:smoke-dead-endpoint",
      description: "endpoint v2 points at a port nothing listens on: requests to it fail (503 UF)",
      fixture: "twins/smoke-dead-endpoint.yaml",
    },
  ],
  async run(ctx) {
    const { stack, fixture } = await ctx.startScenario();
    ctx.phase("running the timeline");
    return timelineVerdict(await runTimeline(stack, fixture, { signal: ctx.signal }), fixture.file);
  },
});
