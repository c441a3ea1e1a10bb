import { defineCheck, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS } from "../../harness/proto/type-urls.ts";
import { faultTwin } from "./support/define.ts";
import { clusters } from "./support/resources.ts";
import { failRest, restMode, withFirstPoll } from "./support/rest-control-plane.ts";

export const cpRestNonceOptional = defineCheck({
  id: "protocol.cp-rest-nonce-optional",
  suite: "protocol",
  title: "REST-JSON: a poll is answered whether it carries the previous response's nonce or none",
  spec: 'xds_protocol#rest-json-polling-subscriptions ("the response nonce is optional in REST-JSON")',
  role: "control-plane",
  requires: [],
  appliesTo: restMode,
  twins: [faultTwin("rest-require-nonce")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withFirstPoll(ctx, async (cp, r1) => {
      // The client is behind (v2 exists) in both polls, so each is owed the change at once.
      await cp.apply("v2", clusters({ a: "2s" }));
      const bare = await cp.poll(CDS, { versionInfo: r1.version });
      if (bare.status !== 200 || bare.version !== "v2")
        return failRest(
          cp,
          `a poll at "${r1.version}" without response_nonce was answered ${bare.status}${bare.version ? ` at "${bare.version}"` : ""}, expected 200 at "v2"`,
        );
      await cp.apply("v3", clusters({ a: "3s" }));
      const echoed = await cp.poll(CDS, { versionInfo: bare.version, responseNonce: bare.nonce });
      if (echoed.status !== 200 || echoed.version !== "v3")
        return failRest(
          cp,
          `a poll at "${bare.version}" echoing nonce "${bare.nonce}" was answered ${echoed.status}, expected 200 at "v3"`,
        );
      return pass();
    }),
});
