import { defineCheck, pass } from "../../harness/checks/define.ts";
import { ENDPOINT_TYPE_URL as EDS } from "../../harness/proto/type-urls.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { owed } from "./support/cp-scripts.ts";
import { deltaStreams, faultTwin, SILENCE_MS } from "./support/define.ts";
import { state } from "./support/resources.ts";

export const cpDeltaPhantomUnsubscribe = defineCheck({
  id: "protocol.cp-delta-phantom-unsubscribe",
  suite: "protocol",
  title: "Delta: unsubscribing names that were never subscribed is processed cleanly",
  spec: "xds_protocol#unsubscribing-from-resources-1 (resource_names_unsubscribe may contain superfluous names; the server must cleanly process such a request)",
  role: "control-plane",
  requires: [],
  appliesTo: deltaStreams,
  twins: [faultTwin("end-on-phantom-unsubscribe")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      const { sub } = cp;
      await cp.apply("v1", state(["a", "b"]));
      sub.subscribe(EDS, ["a"]);
      sub.ack(await sub.next(EDS));
      // "b" exists but was never subscribed; "ghost" neither exists nor was subscribed.
      sub.unsubscribe(EDS, ["b", "ghost"]);
      const answer = await sub.within(EDS, SILENCE_MS);
      if (answer?.removed.includes("a"))
        return failWith(cp, `a phantom unsubscription removed the subscribed "a"`);
      if (answer) sub.ack(answer);
      await cp.apply("v2", state(["a", "b"], ["a"]));
      const r = await owed(cp, EDS, `after a phantom unsubscription, "a" changed in v2 and was not sent`);
      if (!r.names.includes("a"))
        return failWith(cp, `"a" changed in v2: expected it, got resources=[${r.names}]`);
      return pass();
    }),
});
