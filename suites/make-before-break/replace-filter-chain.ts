import { defineCheck } from "../../harness/checks/define.ts";
import { lossVerdict, runUnderLoad } from "./under-load.ts";
import { TWINS } from "./twins.ts";

// A replaced filter chain serves new connections only (kept-alive ones drain on the old chain), so the
// load opens a connection per request: every request meets the new chain.
export const replaceFilterChain = defineCheck({
  id: "make-before-break.replace-filter-chain",
  suite: "make-before-break",
  title: "Replacing a listener's filter chain under load loses no request",
  spec: "xds_protocol#eventual-consistency-considerations",
  role: "control-plane",
  requires: ["http-listener"],
  fixture: "make-before-break/replace-filter-chain.yaml",
  twins: [TWINS.ldsBeforeCds, TWINS.rdsFirst],
  timeoutMs: 30_000,
  async run(ctx) {
    return lossVerdict(await runUnderLoad(ctx, [{ listener: "ingress", connection: "per-request" }]), [
      "green",
    ]);
  },
});
