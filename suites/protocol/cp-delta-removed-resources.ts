import { defineCheck, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS } from "../../harness/proto/type-urls.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { deltaStreams, faultTwin } from "./support/define.ts";
import { state } from "./support/resources.ts";

export const cpDeltaRemovedResources = defineCheck({
  id: "protocol.cp-delta-removed-resources",
  suite: "protocol",
  title: "Delta: a deleted resource is named in removed_resources",
  spec: "xds_protocol#deleting-resources (incremental: removed_resources tells the client to remove it)",
  role: "control-plane",
  requires: [],
  appliesTo: deltaStreams,
  twins: [faultTwin("no-removed-resources")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      await cp.apply("v1", state(["a", "b"]));
      cp.sub.subscribe(CDS, ["*"]);
      cp.sub.ack(await cp.sub.next(CDS));
      await cp.apply("v2", state(["a"]));
      const r = await cp.sub.next(CDS);
      if (!r.removed.includes("b"))
        return failWith(
          cp,
          `cluster "b" deleted in v2: expected it in removed_resources, got removed=[${r.removed}] resources=[${r.names}]`,
        );
      return pass();
    }),
});
