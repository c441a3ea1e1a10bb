import { defineCheck, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS, ENDPOINT_TYPE_URL as EDS } from "../../harness/proto/type-urls.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { faultTwin, grpcStreams } from "./support/define.ts";
import { state } from "./support/resources.ts";

export const cpAnswersInitialRequest = defineCheck({
  id: "protocol.cp-answers-initial-request",
  suite: "protocol",
  title: "The control plane answers a type's first request with the subscribed resources that exist",
  spec: "xds_protocol#basic-protocol-overview",
  role: "control-plane",
  requires: [],
  appliesTo: grpcStreams,
  twins: [faultTwin("silent-initial")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      await cp.apply("v1", state(["a", "b"]));
      cp.sub.subscribe(CDS, []);
      const cds = await cp.sub.next(CDS);
      if (cds.names.sort().join() !== "a,b")
        return failWith(cp, `CDS wildcard: expected clusters [a,b], got [${cds.names}]`);
      cp.sub.ack(cds);
      cp.sub.subscribe(EDS, ["a"]);
      const eds = await cp.sub.next(EDS);
      if (!eds.names.includes("a"))
        return failWith(cp, `EDS [a]: expected "a" in the response, got [${eds.names}]`);
      return pass();
    }),
});
