import { defineCheck, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS } from "../../harness/proto/type-urls.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { firstAcked, owed } from "./support/cp-scripts.ts";
import { faultTwin, SILENCE_MS } from "./support/define.ts";
import { state } from "./support/resources.ts";

/** A type no control plane serves (a resource type from a newer API, as far as the server knows). */
const UNKNOWN_TYPE_URL = "type.googleapis.com/xdsc.conformance.v1.NoSuchResource";

export const cpAdsUnknownTypeIsolated = defineCheck({
  id: "protocol.cp-ads-unknown-type-isolated",
  suite: "protocol",
  title: "ADS: a request for a type the server does not serve leaves the other types' sequences working",
  spec: "xds_protocol#aggregated-discovery-service (multiple independent DiscoveryRequest/DiscoveryResponse sequences multiplexed via the type URL)",
  role: "control-plane",
  requires: [],
  appliesTo: (v) => v.mode === "ads",
  twins: [faultTwin("end-on-unknown-type")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      const { sub } = cp;
      await cp.apply("v1", state(["a"]));
      const first = await firstAcked(cp, CDS);
      sub.subscribe(UNKNOWN_TYPE_URL, ["x"]);
      // Nothing of this type exists; an (empty) answer is allowed, resources of it are not.
      const odd = await sub.within(UNKNOWN_TYPE_URL, SILENCE_MS);
      if (odd?.names.length)
        return failWith(cp, `a request for an unknown type was answered with resources [${odd.names}]`);
      await cp.apply("v2", state(["a"], ["a"]));
      const r = await owed(cp, CDS, `after a request for an unknown type, the CDS change in v2 was not sent`);
      if (r.stream !== first.stream)
        return failWith(cp, `the CDS update came on stream ${r.stream}, not the ADS stream ${first.stream}`);
      if (!r.names.includes("a")) return failWith(cp, `"a" changed in v2: expected it, got [${r.names}]`);
      return pass();
    }),
});
