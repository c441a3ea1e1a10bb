import { defineCheck, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS, ENDPOINT_TYPE_URL as EDS } from "../../harness/proto/type-urls.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { faultTwin, grpcStreams } from "./support/define.ts";
import { state } from "./support/resources.ts";

export const cpNoDuplicateNames = defineCheck({
  id: "protocol.cp-no-duplicate-names",
  suite: "protocol",
  title: "No response carries the same resource name twice",
  spec: "xds_protocol#duplicate-resource-names (an error for a server to send a response with the same name twice)",
  role: "control-plane",
  requires: [],
  appliesTo: grpcStreams,
  twins: [faultTwin("duplicate-resources")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      await cp.apply("v1", state(["a", "b"]));
      cp.sub.subscribeAll(CDS);
      const cds = await cp.sub.next(CDS);
      cp.sub.ack(cds);
      cp.sub.subscribe(EDS, ["a", "b"]);
      for (const r of [cds, await cp.sub.next(EDS)]) {
        const dup = r.names.find((n, i) => r.names.indexOf(n) !== i);
        if (dup !== undefined)
          return failWith(
            cp,
            `${r.typeUrl.split(".").pop()} version "${r.version}" carries "${dup}" twice: [${r.names}]`,
          );
      }
      return pass();
    }),
});
