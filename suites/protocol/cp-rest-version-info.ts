import { defineCheck, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS } from "../../harness/proto/type-urls.ts";
import { faultTwin, SILENCE_MS } from "./support/define.ts";
import { clusters } from "./support/resources.ts";
import { failRest, restMode, withFirstPoll } from "./support/rest-control-plane.ts";

export const cpRestVersionInfo = defineCheck({
  id: "protocol.cp-rest-version-info",
  suite: "protocol",
  title:
    "REST-JSON: a poll carrying an older version_info is answered at once with the current resources and a new version_info",
  spec: 'xds_protocol#rest-json-polling-subscriptions ("The above sequencing of messages is similar"); xds_protocol#ack-nack-and-resource-type-instance-version',
  role: "control-plane",
  requires: [],
  appliesTo: restMode,
  twins: [faultTwin("rest-ignore-version")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withFirstPoll(ctx, async (cp, r1) => {
      if (!r1.version)
        return failRest(cp, `the first poll was answered ${r1.status} with version_info "${r1.version}"`);
      await cp.apply("v2", clusters({ a: "2s", b: "1s" }));
      // Behind by a version: nothing to wait for, so the answer is owed at once (no long-poll hold).
      const r2 = await cp.poll(CDS, { versionInfo: r1.version });
      if (r2.status !== 200)
        return failRest(
          cp,
          `a poll at the old version "${r1.version}" was answered ${r2.status}, expected 200`,
        );
      if (r2.ms > SILENCE_MS)
        return failRest(
          cp,
          `a poll at the old version "${r1.version}" was held ${r2.ms}ms though the change existed`,
        );
      if (!r2.version || r2.version === r1.version)
        return failRest(
          cp,
          `the changed resources came with version_info "${r2.version}" (before: "${r1.version}")`,
        );
      if (r2.names.join(",") !== "a,b")
        return failRest(cp, `the answer at "${r2.version}" carries [${r2.names}], expected [a,b]`);
      return pass();
    }),
});
