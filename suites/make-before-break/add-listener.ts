import { defineCheck } from "../../harness/checks/define.ts";
import { lossVerdict, runUnderLoad } from "./under-load.ts";
import { TWINS } from "./twins.ts";

// Load runs on the existing listener and, from before it exists, on the new one: refusals before the
// new listener first answered are not losses (it did not exist yet), anything failed after is.
export const addListener = defineCheck({
  id: "make-before-break.add-listener",
  suite: "make-before-break",
  title: "Adding a listener under load loses no request on it or on the existing one",
  spec: "xds_protocol#eventual-consistency-considerations",
  role: "control-plane",
  requires: ["http-listener"],
  fixture: "make-before-break/add-listener.yaml",
  twins: [TWINS.ldsBeforeCds, TWINS.rdsFirst],
  timeoutMs: 30_000,
  async run(ctx) {
    return lossVerdict(
      await runUnderLoad(ctx, [
        { listener: "ingress", connection: "reuse" },
        { listener: "extra", connection: "per-request", newListener: true },
      ]),
      ["green"],
    );
  },
});
