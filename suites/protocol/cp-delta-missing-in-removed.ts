import { defineCheck, pass } from "../../harness/checks/define.ts";
import { ENDPOINT_TYPE_URL as EDS } from "../../harness/proto/type-urls.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { owed } from "./support/cp-scripts.ts";
import { deltaStreams, faultTwin } from "./support/define.ts";
import { state } from "./support/resources.ts";

export const cpDeltaMissingInRemoved = defineCheck({
  id: "protocol.cp-delta-missing-in-removed",
  suite: "protocol",
  title: "Delta: a subscribed resource that does not exist is named in removed_resources",
  spec: "xds_protocol#knowing-when-a-requested-resource-does-not-exist-1 (the server will send a DeltaDiscoveryResponse that contains that resource's name in removed_resources)",
  role: "control-plane",
  requires: [],
  appliesTo: deltaStreams,
  twins: [faultTwin("delta-no-missing-report")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      await cp.apply("v1", state(["a"]));
      cp.sub.subscribe(EDS, ["a", "ghost"]);
      // "a" and the news about "ghost" may come in one response or two.
      let gotA = false;
      let reported = false;
      while (!gotA || !reported) {
        const want = reported ? '"a" in resources' : '"ghost" (does not exist) in removed_resources';
        const r = await owed(cp, EDS, `subscribed [a, ghost]: expected ${want}`);
        if (r.names.includes("ghost"))
          return failWith(cp, `"ghost" does not exist, yet a response carries it as a resource`);
        gotA ||= r.names.includes("a");
        reported ||= r.removed.includes("ghost");
        cp.sub.ack(r);
      }
      return pass();
    }),
});
