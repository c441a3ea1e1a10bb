import { defineCheck, fail, pass } from "../../harness/checks/define.ts";
import { ackCarriesVersionAndNonce } from "./support/dp-analysis.ts";
import { doubleTwin, runDouble, type DoubleKind } from "./support/dp-double.ts";
import { grpcStreams } from "./support/define.ts";

export const dpAckVersionNonce = defineCheck({
  id: "protocol.dp-ack-version-nonce",
  suite: "protocol",
  title: "Every ACK names a response by its nonce and (SotW) carries that response's version_info",
  spec: "xds_protocol#ack-and-nack-semantics-summary; discovery.proto DiscoveryRequest.response_nonce",
  role: "data-plane",
  requires: [],
  fixture: "smoke.yaml",
  appliesTo: grpcStreams,
  twins: [doubleTwin("ack-wrong-version", "ACKs a CDS response with a version_info it was never sent")],
  timeoutMs: 60_000,
  async run(ctx) {
    const double = ctx.params.double as DoubleKind | undefined;
    const entries = double
      ? (await runDouble(ctx, double)).entries
      : [...(await ctx.startScenario()).stack.tap.entries()];
    const reason = ackCarriesVersionAndNonce(entries);
    return reason
      ? fail(reason)
      : pass([], { acks: entries.filter((e) => e.classification === "ack").length });
  },
});
