import { defineCheck } from "../../harness/checks/define.ts";
import { TWINS } from "../make-before-break/twins.ts";
import { runOrderingCheck } from "./transcript-verdict.ts";

export const unreferenceBeforeRemoval = defineCheck({
  id: "ordering.unreference-before-removal",
  suite: "ordering",
  title: "A cluster is removed only after no route references it, and before its endpoints are",
  spec: "xds_protocol#eventual-consistency-considerations",
  role: "control-plane",
  requires: [],
  fixture: "ordering/switch-and-remove.yaml",
  twins: [TWINS.removeClusterFirst],
  async run(ctx) {
    return runOrderingCheck(ctx, ["unreference-before-removal", "cluster-removal-before-endpoints"]);
  },
});
