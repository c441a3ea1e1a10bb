// R03/R17 on any data plane (transcript only): every response is ACKed or NACKed.
import { defineCheck } from "../../harness/checks/define.ts";
import { grpcStreams } from "./support/define.ts";
import { dpDoubleTwin } from "./support/dp-doubles.ts";
import { asGiven, baseOf, retimed, untilHolds } from "./support/dp-scenario.ts";
import { everyResponseAnswered } from "./support/dp-wire-rules.ts";
import { judgeTranscript } from "./support/wire-check.ts";

export const dpAnswersEveryResponse = defineCheck({
  id: "protocol.dp-answers-every-response",
  suite: "protocol",
  title: "Every response is ACKed or NACKed (SotW: at least the latest of each type on a stream)",
  spec: "xds_protocol#basic-protocol-overview; xds_protocol#ack-and-nack-semantics-summary (ACK or NACK every DiscoveryResponse)",
  role: "data-plane",
  requires: [],
  fixture: "smoke.yaml",
  appliesTo: grpcStreams,
  twins: [dpDoubleTwin("leaves-response-unanswered", "never answers its second CDS response")],
  timeoutMs: 60_000,
  run: (ctx) =>
    judgeTranscript(ctx, everyResponseAnswered, {
      async act(s) {
        ctx.phase("pushing two changes back to back");
        // v2 is superseded by v3 before it may be answered: SotW may coalesce, delta answers each.
        await s.stack.apply("v2", retimed(baseOf(s), "2s"), asGiven(s.stack));
        await s.stack.applyAndSettle("v3", retimed(baseOf(s), "3s"), asGiven(s.stack));
        await untilHolds(s.stack, everyResponseAnswered);
      },
      metrics: (entries) => ({ responses: entries.filter((e) => e.direction === "response").length }),
    }),
});
