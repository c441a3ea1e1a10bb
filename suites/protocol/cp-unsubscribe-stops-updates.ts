import { defineCheck, pass } from "../../harness/checks/define.ts";
import { ENDPOINT_TYPE_URL as EDS } from "../../harness/proto/type-urls.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { owed, servedAndAcked } from "./support/cp-scripts.ts";
import { faultTwin, grpcStreams, SILENCE_MS } from "./support/define.ts";
import { state } from "./support/resources.ts";

export const cpUnsubscribeStopsUpdates = defineCheck({
  id: "protocol.cp-unsubscribe-stops-updates",
  suite: "protocol",
  title: "After unsubscribing from a resource, changes to it are no longer sent",
  spec: "xds_protocol#unsubscribing-from-resources; xds_protocol#unsubscribing-from-resources-1 (incremental)",
  role: "control-plane",
  requires: [],
  appliesTo: grpcStreams,
  twins: [faultTwin("ignore-unsubscribe")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      await servedAndAcked(cp, ["a", "b"], EDS, ["a", "b"]);
      cp.sub.unsubscribe(EDS, ["b"]);
      // SotW may answer the smaller subscription with [a]; delta owes nothing. Either is fine.
      const shrink = await cp.sub.within(EDS, SILENCE_MS);
      if (shrink?.names.includes("b"))
        return failWith(cp, `after unsubscribing "b", the response still carries it: [${shrink.names}]`);
      if (shrink) cp.sub.ack(shrink);
      // "a" changes too: the update owed for it proves the stream still serves the remaining
      // subscription, so silence about "b" is not just a server that stopped answering.
      await cp.apply("v2", state(["a", "b"], ["a", "b"]));
      const update = await owed(cp, EDS, `"a" (still subscribed) changed in v2 and was not sent`);
      if (update.names.includes("b"))
        return failWith(
          cp,
          `"b" changed after it was unsubscribed and was sent anyway (version "${update.version}" [${update.names}])`,
        );
      if (!update.names.includes("a"))
        return failWith(cp, `"a" changed in v2: expected it in the update, got [${update.names}]`);
      return pass();
    }),
});
