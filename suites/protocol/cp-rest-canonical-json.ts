import { defineCheck, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS } from "../../harness/proto/type-urls.ts";
import { faultTwin } from "./support/define.ts";
import { clusters } from "./support/resources.ts";
import { failRest, restMode, withRestControlPlane, type PollResult } from "./support/rest-control-plane.ts";

export const cpRestCanonicalJson = defineCheck({
  id: "protocol.cp-rest-canonical-json",
  suite: "protocol",
  title:
    "REST-JSON: requests in canonical proto3 JSON (lowerCamelCase or proto field names) are answered in canonical proto3 JSON",
  spec: 'xds_protocol#rest-json-polling-subscriptions ("The JSON canonical transform of proto3 is used")',
  role: "control-plane",
  requires: [],
  appliesTo: restMode,
  twins: [faultTwin("rest-raw-any")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withRestControlPlane(ctx, async (cp) => {
      await cp.apply("v1", clusters({ a: "1s", b: "1s" }));
      const judge = (r: PollResult, form: string) => {
        if (r.status !== 200)
          return `a DiscoveryRequest with ${form} field names was answered ${r.status}, expected 200`;
        if (!/^application\/json\b/.test(r.contentType))
          return `answer to the ${form} request has content-type "${r.contentType}", expected application/json`;
        if (r.parseError)
          return `answer to the ${form} request is not a DiscoveryResponse in canonical proto3 JSON: ${r.parseError}`;
        if (r.names.join(",") !== "a,b")
          return `answer to the ${form} request carries [${r.names}], expected [a,b]`;
        return undefined;
      };
      // proto3 JSON: "Parsers accept both the lowerCamelCase name ... and the original proto field name".
      const reason =
        judge(await cp.poll(CDS), "lowerCamelCase") ??
        judge(await cp.poll(CDS, {}, { protoNames: true }), "proto (snake_case)");
      return reason ? failRest(cp, reason) : pass();
    }),
});
