import { defineCheck, pass } from "../../harness/checks/define.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { afterOneClusterChanged } from "./support/cp-scripts.ts";
import { faultTwin, sotwStreams } from "./support/define.ts";

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
      const r = await afterOneClusterChanged(cp);
      const missing = ["a", "b", "c"].filter((n) => !r.names.includes(n));
      if (missing.length)
        return failWith(
          cp,
          `CDS version "${r.version}" after changing only "a": expected [a,b,c], missing [${missing}] — a SotW client deletes them`,
        );
      return pass();
    }),
});
