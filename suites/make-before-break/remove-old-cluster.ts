import { defineCheck } from "../../harness/checks/define.ts";
import { lossVerdict, runUnderLoad } from "./under-load.ts";
import { TWINS } from "./twins.ts";

export const removeOldCluster = defineCheck({
  id: "make-before-break.remove-old-cluster",
  suite: "make-before-break",
  title: "Removing the old cluster after switching away from it under load loses no request",
  spec: "xds_protocol#eventual-consistency-considerations",
  role: "control-plane",
  requires: ["http-listener"],
  fixture: "make-before-break/remove-old-cluster.yaml",
  twins: [TWINS.removeClusterFirst],
  timeoutMs: 30_000,
  async run(ctx) {
    return lossVerdict(await runUnderLoad(ctx, [{ listener: "ingress", connection: "reuse" }]), ["green"]);
  },
});
