import { defineCheck, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS } from "../../harness/proto/type-urls.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { faultTwin, grpcStreams, SILENCE_MS } from "./support/define.ts";
import { state } from "./support/resources.ts";

export const cpNoResponseToAck = defineCheck({
  id: "protocol.cp-no-response-to-ack",
  suite: "protocol",
  title: "An ACK is not answered while the resources are unchanged",
  spec: "xds_protocol#when-to-send-an-update (only send updates when the resources have changed)",
  role: "control-plane",
  requires: [],
  appliesTo: grpcStreams,
  twins: [faultTwin("answer-ack")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      await cp.apply("v1", state(["a", "b"]));
      cp.sub.subscribeAll(CDS);
      const r = await cp.sub.next(CDS);
      cp.sub.ack(r);
      const extra = await cp.sub.within(CDS, SILENCE_MS);
      if (extra)
        return failWith(
          cp,
          `ACK of version "${r.version}" answered by version "${extra.version}" [${extra.names}] though nothing changed`,
        );
      return pass();
    }),
});
