import { defineCheck, pass } from "../../harness/checks/define.ts";
import { ENDPOINT_TYPE_URL as EDS } from "../../harness/proto/type-urls.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { faultTwin, sotwStreams } from "./support/define.ts";
import { state } from "./support/resources.ts";

const sorted = (a: string[]) => [...a].sort().join(",");

export const cpNamedSubscriptionExact = defineCheck({
  id: "protocol.cp-named-subscription-exact",
  suite: "protocol",
  title: "SotW EDS: a named subscription gets exactly the requested resources that exist",
  spec: "xds_protocol#how-the-client-specifies-what-resources-to-return (must supply the requested resources; names are the client's interest)",
  role: "control-plane",
  requires: [],
  // Delta servers may send resources the client did not subscribe to (discovery.proto
  // resource_names_subscribe), so only the SotW reading is checked.
  appliesTo: sotwStreams,
  twins: [faultTwin("ignore-resource-names")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      await cp.apply("v1", state(["a", "b", "c"]));
      cp.sub.subscribe(EDS, ["a", "missing"]);
      const first = await cp.sub.next(EDS);
      if (sorted(first.names) !== "a")
        return failWith(cp, `EDS [a,missing] with a,b,c existing: expected [a], got [${first.names}]`);
      cp.sub.ack(first);
      cp.sub.subscribe(EDS, ["c"]);
      const second = await cp.sub.next(EDS);
      if (sorted(second.names) !== "a,c")
        return failWith(cp, `EDS [a,missing,c]: expected [a,c], got [${second.names}]`);
      return pass();
    }),
});
