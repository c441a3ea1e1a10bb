import { defineCheck, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS } from "../../harness/proto/type-urls.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { reconnectedWithVersions } from "./support/cp-scripts.ts";
import { deltaStreams, faultTwin } from "./support/define.ts";
import { state } from "./support/resources.ts";

export const cpDeltaInitialVersions = defineCheck({
  id: "protocol.cp-delta-initial-versions",
  suite: "protocol",
  title:
    "Delta reconnect: resources listed in initial_resource_versions at their current version are not resent",
  spec: "xds_protocol#incremental-xds (initial_resource_versions avoids resending known resources); discovery.proto initial_resource_versions",
  role: "control-plane",
  requires: [],
  appliesTo: deltaStreams,
  twins: [faultTwin("ignore-initial-versions")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      const known = await reconnectedWithVersions(cp, state(["a", "b"], ["a"]));
      const r = await cp.sub.next(CDS);
      if (!r.names.includes("a"))
        return failWith(
          cp,
          `"a" changed while disconnected: expected it on the new stream, got [${r.names}]`,
        );
      if (r.names.includes("b"))
        return failWith(
          cp,
          `"b" is unchanged at the version the client stated (${known.versions.b}) and was resent`,
        );
      return pass();
    }),
});
