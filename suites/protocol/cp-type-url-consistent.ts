import { defineCheck, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS, ENDPOINT_TYPE_URL as EDS } from "../../harness/proto/type-urls.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import type { Reply } from "./support/subscriber.ts";
import { faultTwin, grpcStreams } from "./support/define.ts";
import { state } from "./support/resources.ts";

export const cpTypeUrlConsistent = defineCheck({
  id: "protocol.cp-type-url-consistent",
  suite: "protocol",
  title: "A response's type_url is the requested type and matches every resource in it",
  spec: "discovery.proto DiscoveryResponse.type_url (must be consistent with the type_url in resources)",
  role: "control-plane",
  requires: [],
  appliesTo: grpcStreams,
  twins: [faultTwin("wrong-type-url")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      await cp.apply("v1", state(["a"]));
      const judge = (want: string, r: Reply) =>
        r.typeUrl !== want
          ? `requested ${want}, got a response with type_url "${r.typeUrl}"`
          : r.anyTypes.find((t) => t !== want)
            ? `response type_url ${want} carries a resource of type "${r.anyTypes.find((t) => t !== want)}"`
            : undefined;
      cp.sub.subscribeAll(CDS);
      const cds = await cp.sub.next(CDS);
      const bad = judge(CDS, cds);
      if (bad) return failWith(cp, bad);
      cp.sub.ack(cds);
      cp.sub.subscribe(EDS, ["a"]);
      const bad2 = judge(EDS, await cp.sub.next(EDS));
      return bad2 ? failWith(cp, bad2) : pass();
    }),
});
