import { defineCheck } from "../../harness/checks/define.ts";
import { lossVerdict, runUnderLoad } from "./under-load.ts";
import { TWINS } from "./twins.ts";

export const rotateEndpoints = defineCheck({
  id: "make-before-break.rotate-endpoints",
  suite: "make-before-break",
  title: "Replacing every endpoint of a cluster under load loses no request",
  spec: "xds_protocol#eventual-consistency-considerations",
  role: "control-plane",
  requires: ["http-listener"],
  fixture: "make-before-break/rotate-endpoints.yaml",
  twins: [TWINS.breakBeforeMake],
  timeoutMs: 30_000,
  async run(ctx) {
    return lossVerdict(await runUnderLoad(ctx, [{ listener: "ingress", connection: "reuse" }]), ["b1", "b2"]);
  },
});
