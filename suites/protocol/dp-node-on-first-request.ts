import { defineCheck } from "../../harness/checks/define.ts";
import { nodeOnFirstRequest } from "./support/dp-analysis.ts";
import { dpDoubleTwin } from "./support/dp-doubles.ts";
import { grpcStreams } from "./support/define.ts";
import { judgeTranscript } from "./support/wire-check.ts";

export const dpNodeOnFirstRequest = defineCheck({
  id: "protocol.dp-node-on-first-request",
  suite: "protocol",
  title: "The first request on every stream carries the node, and the node id never changes",
  spec: "xds_protocol#basic-protocol-overview (only the first request is guaranteed to carry the node identifier; identical if repeated)",
  role: "data-plane",
  requires: [],
  fixture: "smoke.yaml",
  appliesTo: grpcStreams,
  twins: [dpDoubleTwin("no-node-first", "sends its node only on its second request")],
  timeoutMs: 60_000,
  run: (ctx) => judgeTranscript(ctx, nodeOnFirstRequest),
});
