import { defineCheck, pass } from "../../harness/checks/define.ts";
import { ENDPOINT_TYPE_URL as EDS } from "../../harness/proto/type-urls.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { deltaStreams, faultTwin } from "./support/define.ts";
import { state } from "./support/resources.ts";

export const cpDeltaResubscribeResends = defineCheck({
  id: "protocol.cp-delta-resubscribe-resends",
  suite: "protocol",
  title: "Delta: a name in resource_names_subscribe is sent even if the client is believed to have it",
  spec: "discovery.proto DeltaDiscoveryRequest.resource_names_subscribe (must respond with all resources listed); xds_protocol#subscribing-to-resources",
  role: "control-plane",
  requires: [],
  appliesTo: deltaStreams,
  twins: [faultTwin("delta-skip-known-subscribe")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      await cp.apply("v1", state(["a"]));
      cp.sub.subscribe(EDS, ["a"]);
      cp.sub.ack(await cp.sub.next(EDS));
      cp.sub.subscribe(EDS, ["a"]);
      const r = await cp.sub.next(EDS);
      if (!r.names.includes("a"))
        return failWith(cp, `re-subscribing "a": expected it resent, got [${r.names}]`);
      return pass();
    }),
});
