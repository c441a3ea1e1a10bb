import { defineCheck, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS } from "../../harness/proto/type-urls.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { owed, servedAndAcked } from "./support/cp-scripts.ts";
import { deltaStreams, faultTwin, SILENCE_MS } from "./support/define.ts";
import { state } from "./support/resources.ts";

export const cpDeltaWildcardUnsubscribeWhole = defineCheck({
  id: "protocol.cp-delta-wildcard-unsubscribe-whole",
  suite: "protocol",
  title:
    "Delta CDS: a resource the wildcard covers cannot be unsubscribed individually; its changes keep coming",
  spec: "xds_protocol#unsubscribing-from-resources (with a wildcard subscription the client cannot unsubscribe from those resources individually; it can only unsubscribe from the wildcard as a whole)",
  role: "control-plane",
  requires: [],
  // SotW cannot even express unsubscribing one name from a wildcard; delta can send it.
  appliesTo: deltaStreams,
  twins: [faultTwin("unsubscribe-carves-wildcard")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      const { sub } = cp;
      await servedAndAcked(cp, ["a", "b"], CDS, ["*"]);
      sub.unsubscribe(CDS, ["b"]);
      const answer = await sub.within(CDS, SILENCE_MS);
      if (answer?.removed.includes("b"))
        return failWith(
          cp,
          `"b" is covered by the wildcard, yet unsubscribing it named it in removed_resources`,
        );
      if (answer) sub.ack(answer);
      await cp.apply("v2", state(["a", "b"], ["b"]));
      const r = await owed(cp, CDS, `"b" (covered by the wildcard) changed in v2 and was not sent`);
      if (!r.names.includes("b"))
        return failWith(cp, `"b" changed in v2 under the wildcard: expected it, got [${r.names}]`);
      return pass();
    }),
});
