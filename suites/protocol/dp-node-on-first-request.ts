import { defineCheck, fail, pass } from "../../harness/checks/define.ts";
import { nodeOnFirstRequest } from "./support/dp-analysis.ts";
import { doubleTwin, runDouble, type DoubleKind } from "./support/dp-double.ts";
import { grpcStreams } from "./support/define.ts";

export const dpNodeOnFirstRequest = defineCheck({
  id: "protocol.dp-node-on-first-request",
  suite: "protocol",
  title: "The first request on every stream carries the node, and the node id never changes",
  spec: "xds_protocol#basic-protocol-overview (only the first request is guaranteed to carry the node identifier; identical if repeated)",
  role: "data-plane",
  requires: [],
  fixture: "smoke.yaml",
  appliesTo: grpcStreams,
  twins: [doubleTwin("no-node-first", "sends its node only on its second request")],
  timeoutMs: 60_000,
  async run(ctx) {
    const double = ctx.params.double as DoubleKind | undefined;
    const run = double
      ? await runDouble(ctx, double)
      : await ctx
          .startScenario()
          .then((s) => ({ entries: [...s.stack.tap.entries()], nodeId: s.stack.node.id }));
    const reason = nodeOnFirstRequest(run.entries, run.nodeId);
    return reason ? fail(reason) : pass();
  },
});
