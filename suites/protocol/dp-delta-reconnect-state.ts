// R58/R59 on any delta data plane (transcript only): a reconnect restates names and held versions;
// initial_resource_versions appears only there.
import { defineCheck } from "../../harness/checks/define.ts";
import { deltaStreams } from "./support/define.ts";
import { dpDoubleTwin } from "./support/dp-doubles.ts";
import { resetAndResync } from "./support/dp-scenario.ts";
import { deltaReconnectRestatesState } from "./support/dp-wire-rules.ts";
import { judgeTranscript } from "./support/wire-check.ts";

export const dpDeltaReconnectState = defineCheck({
  id: "protocol.dp-delta-reconnect-state",
  suite: "protocol",
  title:
    "A delta reconnect restates every subscribed name and the held versions; no initial versions otherwise",
  spec: "xds_protocol#incremental-xds (the reconnecting client provides all resource names it is interested in); discovery.proto DeltaDiscoveryRequest.initial_resource_versions",
  role: "data-plane",
  requires: [],
  fixture: "smoke.yaml",
  appliesTo: deltaStreams,
  twins: [
    dpDoubleTwin(
      "reconnects-without-initial-versions",
      "reconnects without initial_resource_versions for the cluster it holds",
    ),
    dpDoubleTwin(
      "initial-versions-on-first-stream",
      "sends initial_resource_versions on its very first stream",
    ),
  ],
  timeoutMs: 60_000,
  run: (ctx) =>
    judgeTranscript(ctx, deltaReconnectRestatesState, {
      async act(s) {
        ctx.phase("ending the streams from the control plane's side");
        await resetAndResync(s.stack, s.fixture.version);
      },
    }),
});
