import { defineCheck, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS } from "../../harness/proto/type-urls.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { faultTwin, sotwStreams } from "./support/define.ts";
import { state } from "./support/resources.ts";

export const cpVersionChanges = defineCheck({
  id: "protocol.cp-version-changes",
  suite: "protocol",
  title: "SotW: version_info is set, and changes whenever a resource of the type changes",
  spec: "xds_protocol#ack-nack-and-resource-type-instance-version (whenever one resource of that type changes, the version is changed)",
  role: "control-plane",
  requires: [],
  appliesTo: sotwStreams,
  twins: [faultTwin("version-regress"), faultTwin("empty-version")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      await cp.apply("v1", state(["a"]));
      cp.sub.subscribeAll(CDS);
      const first = await cp.sub.next(CDS);
      if (!first.version)
        return failWith(
          cp,
          "CDS response with empty version_info: an ACK of it cannot be told from an initial request",
        );
      cp.sub.ack(first);
      await cp.apply("v2", state(["a"], ["a"]));
      const second = await cp.sub.next(CDS);
      if (!second.version || second.version === first.version)
        return failWith(
          cp,
          `cluster "a" changed but version_info stayed "${second.version}" (was "${first.version}")`,
        );
      return pass();
    }),
});
