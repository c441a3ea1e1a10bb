import { defineCheck, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS } from "../../harness/proto/type-urls.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { owed, reconnectedWithVersions } from "./support/cp-scripts.ts";
import { deltaStreams, faultTwin } from "./support/define.ts";
import { state } from "./support/resources.ts";

export const cpDeltaReconnectRemoved = defineCheck({
  id: "protocol.cp-delta-reconnect-removed",
  suite: "protocol",
  title:
    "Delta reconnect: a resource listed in initial_resource_versions that was deleted meanwhile is removed",
  spec: "xds_protocol#incremental-xds (initial_resource_versions tells the server what the client has); xds_protocol#deleting-resources (removed_resources tells the client to remove it)",
  role: "control-plane",
  requires: [],
  appliesTo: deltaStreams,
  twins: [faultTwin("delta-forget-initial-removals")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      // "b" is deleted while the client is away; "a" changes so the new stream owes a response either way.
      await reconnectedWithVersions(cp, state(["a"], ["a"]));
      for (;;) {
        const r = await owed(
          cp,
          CDS,
          `"b" (in initial_resource_versions, deleted while disconnected) was never named in removed_resources`,
        );
        if (r.names.includes("b"))
          return failWith(cp, `"b" was deleted in v2, yet the new stream sends it as a resource`);
        if (r.removed.includes("b")) return pass();
        cp.sub.ack(r);
      }
    }),
});
