import { defineCheck, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS } from "../../harness/proto/type-urls.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { faultTwin, sotwStreams } from "./support/define.ts";
import { state } from "./support/resources.ts";

export const cpSotwCompleteLdsCds = defineCheck({
  id: "protocol.cp-sotw-complete-lds-cds",
  suite: "protocol",
  title: "SotW: a CDS response after a change carries every cluster, unchanged ones included",
  spec: "xds_protocol#grouping-resources-into-responses (LDS/CDS: the server must include the complete state of the world)",
  role: "control-plane",
  requires: [],
  appliesTo: sotwStreams,
  twins: [faultTwin("sotw-changed-only")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      await cp.apply("v1", state(["a", "b", "c"]));
      cp.sub.subscribe(CDS, ["*"]);
      cp.sub.ack(await cp.sub.next(CDS));
      await cp.apply("v2", state(["a", "b", "c"], ["a"]));
      const r = await cp.sub.next(CDS);
      const missing = ["a", "b", "c"].filter((n) => !r.names.includes(n));
      if (missing.length)
        return failWith(
          cp,
          `CDS version "${r.version}" after changing only "a": expected [a,b,c], missing [${missing}] — a SotW client deletes them`,
        );
      return pass();
    }),
});
