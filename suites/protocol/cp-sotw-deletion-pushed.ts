import { defineCheck, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS } from "../../harness/proto/type-urls.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { owed } from "./support/cp-scripts.ts";
import { faultTwin, sotwStreams } from "./support/define.ts";
import { state } from "./support/resources.ts";

export const cpSotwDeletionPushed = defineCheck({
  id: "protocol.cp-sotw-deletion-pushed",
  suite: "protocol",
  title: "SotW CDS: deleting a cluster is pushed as a new response without it",
  spec: "xds_protocol#deleting-resources (LDS/CDS: a previously seen resource absent from a new response has been removed); xds_protocol#when-to-send-an-update",
  role: "control-plane",
  requires: [],
  appliesTo: sotwStreams,
  twins: [faultTwin("sotw-no-push-on-delete")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      await cp.apply("v1", state(["a", "b"]));
      cp.sub.subscribeAll(CDS);
      const first = await cp.sub.next(CDS);
      cp.sub.ack(first);
      await cp.apply("v2", state(["a"]));
      const r = await owed(cp, CDS, `cluster "b" was deleted in v2 and no CDS response followed`);
      if (r.names.includes("b"))
        return failWith(cp, `cluster "b" was deleted in v2, yet version "${r.version}" still carries it`);
      if (!r.names.includes("a"))
        return failWith(cp, `version "${r.version}" omits the unchanged "a" too: [${r.names}]`);
      if (r.version === first.version)
        return failWith(cp, `the deletion went out under the old version "${first.version}"`);
      return pass();
    }),
});
