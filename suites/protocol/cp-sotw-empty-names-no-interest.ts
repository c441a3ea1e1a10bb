import { defineCheck, pass } from "../../harness/checks/define.ts";
import { ENDPOINT_TYPE_URL as EDS } from "../../harness/proto/type-urls.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { owed, servedAndAcked } from "./support/cp-scripts.ts";
import { faultTwin, sotwStreams, SILENCE_MS } from "./support/define.ts";
import { state } from "./support/resources.ts";

export const cpSotwEmptyNamesNoInterest = defineCheck({
  id: "protocol.cp-sotw-empty-names-no-interest",
  suite: "protocol",
  title: "SotW EDS: a request whose resource_names became empty ends interest in every resource of the type",
  spec: "xds_protocol#how-the-client-specifies-what-resources-to-return (if the list of resource names becomes empty, the client is no longer interested in any resources of the specified type)",
  role: "control-plane",
  requires: [],
  // Delta has no list that "becomes empty": unsubscribing each name is R61's rule.
  appliesTo: sotwStreams,
  twins: [faultTwin("sotw-empty-keeps-names")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      await servedAndAcked(cp, ["a", "b"], EDS, ["a", "b"]);
      // Unsubscribing both names sends resource_names = [] (EDS has no legacy wildcard to fall back to).
      cp.sub.unsubscribe(EDS, ["a", "b"]);
      const shrink = await cp.sub.within(EDS, SILENCE_MS);
      if (shrink?.names.length)
        return failWith(cp, `after an empty resource_names, the response still carries [${shrink.names}]`);
      if (shrink) cp.sub.ack(shrink);
      await cp.apply("v2", state(["a", "b"], ["a", "b"]));
      const update = await cp.sub.within(EDS, SILENCE_MS);
      if (update?.names.length)
        return failWith(
          cp,
          `"a" and "b" changed after the list became empty and were sent (version "${update.version}" [${update.names}])`,
        );
      if (update) cp.sub.ack(update);
      // The stream still serves a new interest: silence above is not a server that stopped answering.
      cp.sub.subscribe(EDS, ["a"]);
      const again = await owed(cp, EDS, `re-subscribing "a" after the empty list was not answered`);
      if (!again.names.includes("a"))
        return failWith(cp, `re-subscribing "a": expected it in the response, got [${again.names}]`);
      return pass();
    }),
});
