import { defineCheck } from "../../harness/checks/define.ts";
import { ackCarriesVersionAndNonce } from "./support/dp-analysis.ts";
import { dpDoubleTwin } from "./support/dp-doubles.ts";
import { grpcStreams } from "./support/define.ts";
import { judgeTranscript } from "./support/wire-check.ts";

export const dpAckVersionNonce = defineCheck({
  id: "protocol.dp-ack-version-nonce",
  suite: "protocol",
  title: "Every ACK names a response by its nonce and (SotW) carries that response's version_info",
  spec: "xds_protocol#ack-and-nack-semantics-summary; discovery.proto DiscoveryRequest.response_nonce",
  role: "data-plane",
  requires: [],
  fixture: "smoke.yaml",
  appliesTo: grpcStreams,
  twins: [dpDoubleTwin("ack-wrong-version", "ACKs a CDS response with a version_info it was never sent")],
  timeoutMs: 60_000,
  run: (ctx) =>
    judgeTranscript(ctx, ackCarriesVersionAndNonce, {
      metrics: (entries) => ({ acks: entries.filter((e) => e.classification === "ack").length }),
    }),
});
