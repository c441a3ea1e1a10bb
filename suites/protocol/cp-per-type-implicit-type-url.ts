import { defineCheck, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS } from "../../harness/proto/type-urls.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { owed } from "./support/cp-scripts.ts";
import { faultTwin } from "./support/define.ts";
import { state } from "./support/resources.ts";

export const cpPerTypeImplicitTypeUrl = defineCheck({
  id: "protocol.cp-per-type-implicit-type-url",
  suite: "protocol",
  title: "Per-type SotW: a request without type_url on the Clusters service is served as CDS",
  spec: "discovery.proto DiscoveryRequest.type_url (implicit in requests made via singleton xDS APIs such as CDS, LDS, etc. but required for ADS)",
  role: "control-plane",
  requires: [],
  // The rule is DiscoveryRequest's; ADS requires the field, and DeltaDiscoveryRequest words it otherwise.
  appliesTo: (v) => v.mode === "per-type" && v.transport === "sotw",
  twins: [faultTwin("require-type-url")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      await cp.apply("v1", state(["a", "b"]));
      cp.sub.subscribeAll(CDS, { typeUrl: "" });
      const r = await owed(
        cp,
        CDS,
        `a CDS request without type_url on the Clusters service was not answered`,
      );
      if (r.typeUrl !== CDS)
        return failWith(cp, `the response's type_url: expected "${CDS}", got "${r.typeUrl}"`);
      if (!["a", "b"].every((n) => r.names.includes(n)))
        return failWith(cp, `CDS without type_url: expected clusters [a,b], got [${r.names}]`);
      return pass();
    }),
});
