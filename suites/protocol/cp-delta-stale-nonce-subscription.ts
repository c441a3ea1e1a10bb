import { defineCheck, pass } from "../../harness/checks/define.ts";
import { ENDPOINT_TYPE_URL as EDS } from "../../harness/proto/type-urls.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { deltaStreams, faultTwin } from "./support/define.ts";
import { state } from "./support/resources.ts";

export const cpDeltaStaleNonceSubscription = defineCheck({
  id: "protocol.cp-delta-stale-nonce-subscription",
  suite: "protocol",
  title: "Delta: a subscription change carrying a stale nonce is still honoured",
  spec: "xds_protocol#incremental-xds (the server must honor changes to the subscription state even if the nonce is stale)",
  role: "control-plane",
  requires: [],
  appliesTo: deltaStreams,
  twins: [faultTwin("delta-reject-stale")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      await cp.apply("v1", state(["a", "b"]));
      cp.sub.subscribe(EDS, ["a"]);
      const first = await cp.sub.next(EDS);
      cp.sub.ack(first);
      cp.sub.subscribe(EDS, ["b"], { nonce: first.nonce });
      const r = await cp.sub.next(EDS);
      if (!r.names.includes("b"))
        return failWith(
          cp,
          `subscribing "b" with the already-ACKed nonce "${first.nonce}": expected "b", got [${r.names}]`,
        );
      return pass();
    }),
});
