// R52 on any ADS data plane (transcript only): one ADS stream at a time, every type on it.
import { defineCheck } from "../../harness/checks/define.ts";
import { grpcStreams } from "./support/define.ts";
import { dpDoubleTwin } from "./support/dp-doubles.ts";
import { resetAndResync } from "./support/dp-scenario.ts";
import { singleAdsStream } from "./support/dp-wire-rules.ts";
import { judgeTranscript } from "./support/wire-check.ts";

export const dpSingleAdsStream = defineCheck({
  id: "protocol.dp-single-ads-stream",
  suite: "protocol",
  title: "A data plane keeps a single ADS stream (also across a reconnect), carrying every type",
  spec: "xds_protocol#aggregated-discovery-service (a single ADS stream is available per Envoy instance)",
  role: "data-plane",
  requires: ["ads"],
  fixture: "smoke.yaml",
  appliesTo: (v) => grpcStreams(v) && v.mode === "ads",
  twins: [dpDoubleTwin("opens-second-ads-stream", "opens a second ADS stream beside the first")],
  timeoutMs: 60_000,
  run: (ctx) =>
    judgeTranscript(ctx, singleAdsStream, {
      async act(s) {
        ctx.phase("ending the stream from the control plane's side");
        await resetAndResync(s.stack, s.fixture.version);
      },
      metrics: (entries) => ({ streams: entries.filter((e) => e.direction === "open").length }),
    }),
});
