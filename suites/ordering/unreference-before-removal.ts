import { defineCheck } from "../../harness/checks/define.ts";
import { TWINS } from "../make-before-break/twins.ts";
import { runOrderingCheck } from "./transcript-verdict.ts";

export const unreferenceBeforeRemoval = defineCheck({
  id: "ordering.unreference-before-removal",
  suite: "ordering",
  title: "A cluster is removed only after no route references it, and before its endpoints are",
  spec: "xds_protocol#eventual-consistency-considerations",
  role: "control-plane",
  // The order is the CP's, but it needs a data plane that subscribes to every cluster and listener
  // (wildcard CDS/LDS, as proxies with socket listeners do): a gRPC proxyless client learns a new cluster
  // only from the route that names it, so CDS-before-RDS cannot be asked of the CP there.
  requires: ["http-listener"],
  fixture: "ordering/switch-and-remove.yaml",
  twins: [TWINS.removeClusterFirst],
  async run(ctx) {
    return runOrderingCheck(ctx, ["unreference-before-removal", "cluster-removal-before-endpoints"]);
  },
});
