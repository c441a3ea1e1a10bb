import { defineCheck } from "../../harness/checks/define.ts";
import { TWINS } from "../make-before-break/twins.ts";
import { runOrderingCheck } from "./transcript-verdict.ts";

export const clusterWarmBeforeReference = defineCheck({
  id: "ordering.cluster-warm-before-reference",
  suite: "ordering",
  title: "A new cluster is sent (CDS), then its endpoints (EDS), before any route or listener references it",
  spec: "xds_protocol#eventual-consistency-considerations",
  role: "control-plane",
  // The order is the CP's, but it needs a data plane that subscribes to every cluster and listener
  // (wildcard CDS/LDS, as proxies with socket listeners do): a gRPC proxyless client learns a new cluster
  // only from the route that names it, so CDS-before-RDS cannot be asked of the CP there.
  requires: ["http-listener"],
  fixture: "ordering/add-cluster.yaml",
  twins: [TWINS.rdsFirst, TWINS.ldsBeforeCds, TWINS.edsLate],
  async run(ctx) {
    return runOrderingCheck(ctx, ["cds-before-eds", "cds-before-reference", "eds-before-reference"]);
  },
});
