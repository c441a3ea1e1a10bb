import { defineCheck, pass } from "../../harness/checks/define.ts";
import { ENDPOINT_TYPE_URL as EDS } from "../../harness/proto/type-urls.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { faultTwin, SILENCE_MS, sotwStreams } from "./support/define.ts";
import { state } from "./support/resources.ts";

export const cpIgnoresStaleNonce = defineCheck({
  id: "protocol.cp-ignores-stale-nonce",
  suite: "protocol",
  title: "SotW: a request whose response_nonce is stale gets no response",
  spec: "xds_protocol#resource-updates (should not send a DiscoveryResponse for a request that has a stale nonce)",
  role: "control-plane",
  requires: [],
  appliesTo: sotwStreams,
  twins: [faultTwin("accept-stale-nonce")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      await cp.apply("v1", state(["a", "b"]));
      cp.sub.subscribe(EDS, ["a"]);
      const first = await cp.sub.next(EDS);
      cp.sub.ack(first);
      await cp.apply("v2", state(["a", "b"], ["a"]));
      const second = await cp.sub.next(EDS);
      // Stale: it answers the first response although the second was sent since; it also adds "b",
      // so a server that does not ignore it has something new to send.
      cp.sub.subscribe(EDS, ["b"], { nonce: first.nonce });
      const answer = await cp.sub.within(EDS, SILENCE_MS);
      if (answer)
        return failWith(
          cp,
          `request with stale nonce "${first.nonce}" (latest "${second.nonce}") was answered by version "${answer.version}" [${answer.names}]`,
        );
      // The same change with the current nonce must be served: the silence above was not a dead stream.
      cp.sub.ack(second);
      const current = await cp.sub.next(EDS);
      if (!current.names.includes("b"))
        return failWith(cp, `after the current nonce: expected "b" in EDS, got [${current.names}]`);
      return pass();
    }),
});
