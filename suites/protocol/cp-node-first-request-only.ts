import { defineCheck, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS } from "../../harness/proto/type-urls.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { faultTwin, grpcStreams } from "./support/define.ts";
import { state } from "./support/resources.ts";

export const cpNodeFirstRequestOnly = defineCheck({
  id: "protocol.cp-node-first-request-only",
  suite: "protocol",
  title: "Requests after the first may omit the node; the stream keeps serving the node",
  spec: "xds_protocol#basic-protocol-overview (only the first request on a stream is guaranteed to carry the node identifier)",
  role: "control-plane",
  requires: [],
  appliesTo: grpcStreams,
  twins: [faultTwin("require-node-every-request")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      await cp.apply("v1", state(["a"]));
      cp.sub.subscribeAll(CDS);
      cp.sub.ack(await cp.sub.next(CDS), { node: false });
      await cp.apply("v2", state(["a", "b"]));
      const r = await cp.sub.next(CDS);
      if (!r.names.includes("b"))
        return failWith(cp, `after an ACK without node: expected v2 with "b", got [${r.names}]`);
      return pass();
    }),
});
