import { defineCheck, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS } from "../../harness/proto/type-urls.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { owed, servedAndAcked } from "./support/cp-scripts.ts";
import { deltaStreams, faultTwin, SILENCE_MS } from "./support/define.ts";

export const cpDeltaWildcardUnsubscribeAnswered = defineCheck({
  id: "protocol.cp-delta-wildcard-unsubscribe-answered",
  suite: "protocol",
  title:
    'Delta CDS with "*" and a name: unsubscribing the name is answered in resources (covered) or removed_resources (not)',
  spec: "xds_protocol#unsubscribing-from-resources-1 (the server must send a response that includes the specific resource in either removed_resources or resources)",
  role: "control-plane",
  requires: [],
  appliesTo: deltaStreams,
  twins: [faultTwin("delta-silent-wildcard-unsubscribe")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      const { sub } = cp;
      await servedAndAcked(cp, ["a", "b"], CDS, ["*"]);
      // "a" exists (the wildcard covers it); "ghost" does not (the wildcard cannot cover it).
      sub.subscribe(CDS, ["a", "ghost"]);
      for (let r = await sub.within(CDS, SILENCE_MS); r; r = await sub.within(CDS, SILENCE_MS)) sub.ack(r);
      sub.unsubscribe(CDS, ["a"]);
      const covered = await owed(cp, CDS, `unsubscribing "a" (also covered by "*") was not answered`);
      if (!covered.names.includes("a"))
        return failWith(
          cp,
          `unsubscribing "a", which "*" covers: expected it in resources, got resources=[${covered.names}] removed=[${covered.removed}]`,
        );
      sub.ack(covered);
      sub.unsubscribe(CDS, ["ghost"]);
      const absent = await owed(cp, CDS, `unsubscribing "ghost" (not covered by "*") was not answered`);
      if (!absent.removed.includes("ghost"))
        return failWith(
          cp,
          `unsubscribing "ghost", which does not exist: expected it in removed_resources, got resources=[${absent.names}] removed=[${absent.removed}]`,
        );
      return pass();
    }),
});
