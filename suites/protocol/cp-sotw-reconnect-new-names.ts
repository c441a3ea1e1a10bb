import { defineCheck, pass } from "../../harness/checks/define.ts";
import { ENDPOINT_TYPE_URL as EDS } from "../../harness/proto/type-urls.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { faultTwin, sotwStreams } from "./support/define.ts";
import { state } from "./support/resources.ts";

export const cpSotwReconnectNewNames = defineCheck({
  id: "protocol.cp-sotw-reconnect-new-names",
  suite: "protocol",
  title: "SotW reconnect at the current version with a new name: the server still answers",
  spec: "xds_protocol#ack-nack-and-resource-type-instance-version (skip resending only if no new resource is subscribed)",
  role: "control-plane",
  requires: [],
  appliesTo: sotwStreams,
  twins: [faultTwin("skip-resend-on-reconnect")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      await cp.apply("v1", state(["a", "b"]));
      cp.sub.subscribe(EDS, ["a"]);
      const before = await cp.sub.next(EDS);
      cp.sub.ack(before);
      await cp.caughtUp();
      cp.sub.reconnect();
      // The new stream's first request states the version last seen (v1) and adds "b".
      cp.sub.subscribe(EDS, ["b"]);
      const r = await cp.sub.next(EDS);
      if (!r.names.includes("b"))
        return failWith(
          cp,
          `new stream asking [a,b] at version "${before.version}": expected "b", got [${r.names}]`,
        );
      return pass();
    }),
});
