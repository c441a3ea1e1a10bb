import { defineCheck, pass } from "../../harness/checks/define.ts";
import { ENDPOINT_TYPE_URL as EDS } from "../../harness/proto/type-urls.ts";
import { withControlPlane } from "./support/control-plane.ts";
import { owed } from "./support/cp-scripts.ts";
import { faultTwin, grpcStreams } from "./support/define.ts";
import { state } from "./support/resources.ts";

export const cpRemembersMissing = defineCheck({
  id: "protocol.cp-remembers-missing",
  suite: "protocol",
  title: "A requested resource that does not exist yet is sent once it is created",
  spec: "xds_protocol#knowing-when-a-requested-resource-does-not-exist (servers must remember the requested set)",
  role: "control-plane",
  requires: [],
  appliesTo: grpcStreams,
  twins: [faultTwin("forget-missing")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      await cp.apply("v1", state(["a"]));
      cp.sub.subscribe(EDS, ["a", "later"]);
      const first = await cp.sub.next(EDS);
      cp.sub.ack(first);
      // Delta servers may say "later" does not exist (removed_resources); that answer is acknowledged too.
      await cp.apply("v2", state(["a", "later"]));
      for (;;) {
        const r = await owed(cp, EDS, `"later" was created in v2 but never sent`);
        if (r.names.includes("later")) return pass();
        cp.sub.ack(r);
      }
    }),
});
