import { defineCheck } from "../../harness/checks/define.ts";
import { TWINS } from "../make-before-break/twins.ts";
import { runOrderingCheck } from "./transcript-verdict.ts";

// With Envoy, RDS for a new listener's route configuration can only follow LDS (Envoy asks for the
// name once it has the listener), so a wrong-order control plane shows here as a route configuration
// sent before the clusters it uses: the listener goes live (its RDS arrived) pointing at nothing.
export const listenerBeforeRoutes = defineCheck({
  id: "ordering.listener-before-routes",
  suite: "ordering",
  title: "A new listener is sent before its route configuration, and both after the clusters they use",
  spec: "xds_protocol#eventual-consistency-considerations",
  role: "control-plane",
  // The order is the CP's, but it needs a data plane that subscribes to every cluster and listener
  // (wildcard CDS/LDS, as proxies with socket listeners do): a gRPC proxyless client learns a new cluster
  // only from the route that names it, so CDS-before-RDS cannot be asked of the CP there.
  requires: ["http-listener"],
  fixture: "ordering/add-listener.yaml",
  twins: [TWINS.rdsFirst, TWINS.ldsBeforeCds],
  async run(ctx) {
    return runOrderingCheck(ctx, ["lds-before-rds", "cds-before-reference", "eds-before-reference"]);
  },
});
