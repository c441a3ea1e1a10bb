import { defineCheck, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS, ENDPOINT_TYPE_URL as EDS } from "../../harness/proto/type-urls.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { firstAcked, owed } from "./support/cp-scripts.ts";
import { faultTwin } from "./support/define.ts";
import { assignments, clusters, state } from "./support/resources.ts";

export const cpAdsTypesIndependent = defineCheck({
  id: "protocol.cp-ads-types-independent",
  suite: "protocol",
  title: "ADS: each type has its own version and ACK/NACK state: an EDS NACK does not hold back CDS updates",
  spec: "xds_protocol#ack-nack-and-resource-type-instance-version (each resource type has its own version even on the same stream); discovery.proto DeltaDiscoveryRequest (a Cluster ACK exists in a separate world from a Route NACK)",
  role: "control-plane",
  requires: [],
  appliesTo: (v) => v.mode === "ads",
  twins: [faultTwin("nack-holds-stream")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      const { sub } = cp;
      await cp.apply("v1", state(["a"]));
      await firstAcked(cp, CDS);
      await firstAcked(cp, EDS, ["a"]);
      await cp.apply("v2", state(["a"], ["a"]));
      const c2 = await sub.next(CDS);
      const e2 = await sub.next(EDS);
      // SotW: the NACK carries EDS's own last accepted version (v1) while CDS is at v2.
      sub.nack(e2, "the scripted client rejects this EDS version");
      sub.ack(c2);
      // Only the cluster changes in v3 (its endpoints stay as in v2).
      await cp.apply("v3", [...clusters({ a: "3s" }), ...assignments({ a: 9100 })]);
      const c3 = await owed(cp, CDS, `cluster "a" changed in v3 after an EDS NACK, and no CDS update came`);
      if (!c3.names.includes("a"))
        return failWith(cp, `cluster "a" changed in v3: expected it in the CDS update, got [${c3.names}]`);
      if (c3.nonce === c2.nonce) return failWith(cp, `the v3 CDS response reuses the v2 nonce "${c2.nonce}"`);
      return pass();
    }),
});
