import { defineCheck } from "../../harness/checks/define.ts";
import { lossVerdict, runUnderLoad } from "./under-load.ts";
import { TWINS } from "./twins.ts";

export const shiftRoute = defineCheck({
  id: "make-before-break.shift-route",
  suite: "make-before-break",
  title: "Shifting a route between clusters in weighted steps under load loses no request",
  spec: "xds_protocol#eventual-consistency-considerations",
  role: "control-plane",
  requires: ["http-listener"],
  fixture: "make-before-break/shift-route.yaml",
  twins: [TWINS.rdsFirst, TWINS.removeClusterFirst],
  timeoutMs: 30_000,
  async run(ctx) {
    return lossVerdict(await runUnderLoad(ctx, [{ listener: "ingress", connection: "reuse" }]), ["green"]);
  },
});
