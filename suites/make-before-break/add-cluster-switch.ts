import { defineCheck } from "../../harness/checks/define.ts";
import { lossVerdict, runUnderLoad } from "./under-load.ts";
import { TWINS } from "./twins.ts";

export const addClusterSwitch = defineCheck({
  id: "make-before-break.add-cluster-switch",
  suite: "make-before-break",
  title: "Adding a cluster and switching the route to it under load loses no request",
  spec: "xds_protocol#eventual-consistency-considerations",
  role: "control-plane",
  requires: ["http-listener"],
  fixture: "make-before-break/add-cluster-switch.yaml",
  twins: [TWINS.rdsFirst, TWINS.ldsBeforeCds, TWINS.edsLate],
  timeoutMs: 30_000,
  async run(ctx) {
    return lossVerdict(await runUnderLoad(ctx, [{ listener: "ingress", connection: "reuse" }]), ["green"]);
  },
});
