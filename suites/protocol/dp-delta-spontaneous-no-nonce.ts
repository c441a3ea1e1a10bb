// R55 on any delta data plane (transcript only): a spontaneous request carries no response_nonce.
import { defineCheck } from "../../harness/checks/define.ts";
import { deltaStreams } from "./support/define.ts";
import { dpDoubleTwin } from "./support/dp-doubles.ts";
import { baseOf, extraCluster } from "./support/dp-scenario.ts";
import { deltaSpontaneousWithoutNonce } from "./support/dp-wire-rules.ts";
import { judgeTranscript } from "./support/wire-check.ts";

export const dpDeltaSpontaneousNoNonce = defineCheck({
  id: "protocol.dp-delta-spontaneous-no-nonce",
  suite: "protocol",
  title: "A delta subscription change that answers no response carries no response_nonce",
  spec: "discovery.proto DeltaDiscoveryRequest.response_nonce (when not an ACK or NACK, the response_nonce must be omitted)",
  role: "data-plane",
  requires: [],
  fixture: "smoke.yaml",
  appliesTo: deltaStreams,
  twins: [
    dpDoubleTwin(
      "nonce-on-spontaneous-request",
      "subscribes to endpoints with the nonce of a response it already ACKed",
    ),
  ],
  timeoutMs: 60_000,
  run: (ctx) =>
    judgeTranscript(ctx, deltaSpontaneousWithoutNonce, {
      async act(s) {
        // ADS: a subscription change on the stream; per-type: a new EDS stream's first request.
        ctx.phase('adding cluster "other": its endpoints are subscribed to spontaneously');
        await s.stack.applyAndSettle("v2", [...baseOf(s), ...extraCluster(s, "other")]);
      },
    }),
});
