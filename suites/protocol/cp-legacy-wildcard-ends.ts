import { defineCheck, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS } from "../../harness/proto/type-urls.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { owed } from "./support/cp-scripts.ts";
import { faultTwin, grpcStreams, SILENCE_MS } from "./support/define.ts";
import { state } from "./support/resources.ts";
import type { Reply } from "./support/subscriber.ts";

export const cpLegacyWildcardEnds = defineCheck({
  id: "protocol.cp-legacy-wildcard-ends",
  suite: "protocol",
  title:
    "CDS: once a name was explicitly subscribed, an empty subscription is no interest, not the legacy wildcard",
  spec: 'xds_protocol#how-the-client-specifies-what-resources-to-return (once the client explicitly subscribes to a name, "clearing the list of subscribed resources is interpreted as an unsubscription ... rather than as a subscription to *")',
  role: "control-plane",
  requires: [],
  appliesTo: grpcStreams,
  twins: [faultTwin("legacy-wildcard-sticks")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      const { sub } = cp;
      await cp.apply("v1", state(["a", "b"]));
      // The doc's own sequences. SotW: [] (legacy "*"), ["a"] (drops it), [] (nothing).
      // Delta: subscribe [] (legacy "*"), subscribe "a", unsubscribe "*", unsubscribe "a" (nothing).
      sub.subscribe(CDS, []);
      const all = await sub.next(CDS);
      if (!["a", "b"].every((n) => all.names.includes(n)))
        return failWith(cp, `legacy wildcard (empty first request): expected [a,b], got [${all.names}]`);
      sub.ack(all);
      const settle = async (): Promise<Reply | undefined> => {
        const r = await sub.within(CDS, SILENCE_MS);
        if (r) sub.ack(r);
        return r;
      };
      sub.subscribe(CDS, ["a"]);
      await settle();
      if (sub.delta) {
        sub.unsubscribe(CDS, ["*"]);
        await settle();
      }
      sub.unsubscribe(CDS, ["a"]);
      const cleared = await settle();
      if (cleared?.names.length)
        return failWith(cp, `after the subscription was cleared, the response carries [${cleared.names}]`);
      await cp.apply("v2", [...state(["a", "b", "c"], ["a", "b"])]);
      const update = await settle();
      if (update?.names.length)
        return failWith(
          cp,
          `nothing is subscribed any more, yet version "${update.version}" sent [${update.names}] — the cleared list was taken as the wildcard`,
        );
      // The stream still serves a new interest, so the silence above is not a dead stream.
      sub.subscribe(CDS, ["c"]);
      const c = await owed(cp, CDS, `subscribing "c" after clearing was not answered`);
      if (!c.names.includes("c"))
        return failWith(cp, `subscribing "c": expected it in the response, got [${c.names}]`);
      return pass();
    }),
});
