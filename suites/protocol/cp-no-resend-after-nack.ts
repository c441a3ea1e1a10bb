import { defineCheck, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS } from "../../harness/proto/type-urls.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { faultTwin, grpcStreams, SILENCE_MS } from "./support/define.ts";
import { state } from "./support/resources.ts";

export const cpNoResendAfterNack = defineCheck({
  id: "protocol.cp-no-resend-after-nack",
  suite: "protocol",
  title: "A NACKed configuration is not sent again unchanged; the next change is sent",
  spec: "xds_protocol#when-to-send-an-update; xds_protocol#nack (after a NACK, an update may succeed at a new version)",
  role: "control-plane",
  requires: [],
  appliesTo: grpcStreams,
  twins: [faultTwin("resend-nacked")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      await cp.apply("v1", state(["a"]));
      cp.sub.subscribeAll(CDS);
      cp.sub.ack(await cp.sub.next(CDS));
      await cp.apply("v2", state(["a"], ["a"]));
      const bad = await cp.sub.next(CDS);
      cp.sub.nack(bad);
      const again = await cp.sub.within(CDS, SILENCE_MS);
      if (again)
        return failWith(
          cp,
          `NACK of version "${bad.version}" (nonce ${bad.nonce}) answered by version "${again.version}" with unchanged resources [${again.names}]`,
        );
      await cp.apply("v3", state(["a", "b"]));
      const next = await cp.sub.next(CDS);
      if (!next.names.includes("b"))
        return failWith(
          cp,
          `after the NACK, expected the new state v3 with "b", got version "${next.version}" [${next.names}]`,
        );
      return pass();
    }),
});
