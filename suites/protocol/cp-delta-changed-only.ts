import { defineCheck, pass } from "../../harness/checks/define.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { afterOneClusterChanged } from "./support/cp-scripts.ts";
import { deltaStreams, faultTwin } from "./support/define.ts";

export const cpDeltaChangedOnly = defineCheck({
  id: "protocol.cp-delta-changed-only",
  suite: "protocol",
  title: "Delta: a change to one resource is delivered without resending the unchanged ones",
  spec: "xds_protocol#incremental-xds (rather than deliver all clusters when a single cluster is modified, the server only needs to deliver the single cluster that changed); xds_protocol#when-to-send-an-update",
  role: "control-plane",
  requires: [],
  appliesTo: deltaStreams,
  twins: [faultTwin("delta-resend-all")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      const r = await afterOneClusterChanged(cp);
      if (!r.names.includes("a"))
        return failWith(cp, `"a" changed in v2: expected it in the update, got [${r.names}]`);
      const unchanged = r.names.filter((n) => n !== "a");
      if (unchanged.length)
        return failWith(
          cp,
          `only "a" changed in v2, yet the delta update resends the unchanged [${unchanged}]`,
        );
      return pass();
    }),
});
