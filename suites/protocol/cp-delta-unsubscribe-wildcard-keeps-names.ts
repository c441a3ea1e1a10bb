import { defineCheck, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS } from "../../harness/proto/type-urls.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { owed, servedAndAcked } from "./support/cp-scripts.ts";
import { deltaStreams, faultTwin, SILENCE_MS } from "./support/define.ts";
import { state } from "./support/resources.ts";

export const cpDeltaUnsubscribeWildcardKeepsNames = defineCheck({
  id: "protocol.cp-delta-unsubscribe-wildcard-keeps-names",
  suite: "protocol",
  title: 'Delta CDS: unsubscribing "*" keeps the names subscribed explicitly',
  spec: 'xds_protocol#how-the-client-specifies-what-resources-to-return (incremental example: unsubscribing "*" continues the existing subscription to "A")',
  role: "control-plane",
  requires: [],
  appliesTo: deltaStreams,
  twins: [faultTwin("delta-unsubscribe-star-drops-all")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      const { sub } = cp;
      await servedAndAcked(cp, ["a", "b"], CDS, ["*"]);
      // A re-subscribed name is owed a resend (R60, its own check); whether it comes is not judged here.
      sub.subscribe(CDS, ["a"]);
      const resent = await sub.within(CDS, SILENCE_MS);
      if (resent) sub.ack(resent);
      sub.unsubscribe(CDS, ["*"]);
      const dropped = await sub.within(CDS, SILENCE_MS);
      if (dropped?.removed.includes("a"))
        return failWith(cp, `unsubscribing "*" removed "a", which is subscribed by name`);
      if (dropped) sub.ack(dropped);
      await cp.apply("v2", state(["a", "b"], ["a", "b"]));
      const r = await owed(cp, CDS, `"a" (subscribed by name) changed in v2 and was not sent`);
      if (!r.names.includes("a"))
        return failWith(
          cp,
          `"a" changed in v2: expected it, got resources=[${r.names}] removed=[${r.removed}]`,
        );
      if (r.names.includes("b"))
        return failWith(cp, `"b" was covered only by the unsubscribed "*" and was still sent in v2`);
      return pass();
    }),
});
