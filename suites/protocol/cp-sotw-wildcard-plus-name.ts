import { defineCheck, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS } from "../../harness/proto/type-urls.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { owed, servedAndAcked } from "./support/cp-scripts.ts";
import { faultTwin, sotwStreams, SILENCE_MS } from "./support/define.ts";
import { state } from "./support/resources.ts";

export const cpSotwWildcardPlusName = defineCheck({
  id: "protocol.cp-sotw-wildcard-plus-name",
  suite: "protocol",
  title: 'SotW CDS: "*" plus "a" keeps the wildcard; "a" alone then drops it',
  spec: 'xds_protocol#how-the-client-specifies-what-resources-to-return (SotW example: "*" and "A" continues the subscription to "*" and adds "A"; "A" alone unsubscribes "*")',
  role: "control-plane",
  requires: [],
  appliesTo: sotwStreams,
  twins: [faultTwin("sotw-names-override-star"), faultTwin("sotw-wildcard-sticky")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      const { sub } = cp;
      await servedAndAcked(cp, ["a", "b"], CDS, []);
      sub.subscribe(CDS, ["*", "a"]);
      const both = await sub.within(CDS, SILENCE_MS);
      if (both && !both.names.includes("b"))
        return failWith(cp, `["*","a"]: "b" is covered by the wildcard, got [${both.names}]`);
      if (both) sub.ack(both);
      await cp.apply("v2", state(["a", "b"], ["b"]));
      const changed = await owed(cp, CDS, `"b" changed under ["*","a"] and was not sent`);
      if (!changed.names.includes("b"))
        return failWith(
          cp,
          `"b" changed under ["*","a"]: expected it in the response, got [${changed.names}]`,
        );
      sub.ack(changed);
      // Now ["a"] alone: the wildcard is gone, "a" stays.
      sub.unsubscribe(CDS, ["*"]);
      const shrink = await sub.within(CDS, SILENCE_MS);
      if (shrink?.names.includes("b"))
        return failWith(cp, `["a"] alone: the response still carries "b" [${shrink.names}]`);
      if (shrink) sub.ack(shrink);
      await cp.apply("v3", state(["a", "b"], ["a"]));
      const last = await owed(cp, CDS, `"a" (still subscribed) changed in v3 and was not sent`);
      if (last.names.includes("b"))
        return failWith(
          cp,
          `after ["a"] alone, version "${last.version}" still carries "b" [${last.names}]: the wildcard was kept`,
        );
      if (!last.names.includes("a"))
        return failWith(cp, `"a" changed in v3: expected it, got [${last.names}]`);
      return pass();
    }),
});
