import { defineCheck, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS, ENDPOINT_TYPE_URL as EDS } from "../../harness/proto/type-urls.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { faultTwin, grpcStreams } from "./support/define.ts";
import { state } from "./support/resources.ts";

export const cpUniqueNonces = defineCheck({
  id: "protocol.cp-unique-nonces",
  suite: "protocol",
  title: "Every response on a stream carries a non-empty nonce no earlier response carried",
  spec: "xds_protocol#basic-protocol-overview (all server responses contain a nonce); discovery.proto DiscoveryResponse.nonce",
  role: "control-plane",
  requires: [],
  appliesTo: grpcStreams,
  twins: [faultTwin("reuse-nonce")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      await cp.apply("v1", state(["a", "b"]));
      cp.sub.subscribeAll(CDS);
      const seen = [await cp.sub.next(CDS)];
      cp.sub.ack(seen[0]!);
      for (const [v, changed] of [
        ["v2", ["a"]],
        ["v3", ["b"]],
      ] as const) {
        await cp.apply(v, state(["a", "b"], [...changed]));
        const r = await cp.sub.next(CDS);
        seen.push(r);
        cp.sub.ack(r);
      }
      // Every load assignment of the state, so a server's handling of partial name sets (R23) does not
      // stand between the script and the nonces it judges.
      cp.sub.subscribe(EDS, ["a", "b"]);
      seen.push(await cp.sub.next(EDS));
      const byStream = new Map<string, string>();
      for (const r of seen) {
        if (!r.nonce)
          return failWith(cp, `${r.typeUrl.split(".").pop()} version "${r.version}": empty nonce`);
        const key = `${r.stream}|${r.nonce}`;
        const earlier = byStream.get(key);
        if (earlier)
          return failWith(
            cp,
            `nonce "${r.nonce}" reused on stream ${r.stream}: first on ${earlier}, again on version "${r.version}"`,
          );
        byStream.set(key, `version "${r.version}"`);
      }
      return pass([], { responses: seen.length });
    }),
});
