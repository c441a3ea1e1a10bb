// R38, Envoy only (admin config_dump): SotW LDS/CDS absence is deletion.
import { defineCheck, fail, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL, LISTENER_TYPE_URL } from "../../harness/proto/type-urls.ts";
import { sotwStreams } from "./support/define.ts";
import { dpDoubleOf, dpDoubleTwin, runDpDouble } from "./support/dp-doubles.ts";
import { appliedWhen, asGiven, baseOf, extraCluster, extraListener } from "./support/dp-scenario.ts";
import { sotwAbsenceDeletes } from "./support/dp-state-rules.ts";
import { only } from "./support/envoy-applied.ts";

export const dpSotwAbsenceDeletes = defineCheck({
  id: "protocol.dp-sotw-absence-deletes",
  suite: "protocol",
  title: "A cluster or listener absent from a new SotW CDS/LDS response is deleted",
  spec: "xds_protocol#deleting-resources (SotW LDS/CDS: a resource absent from a new response has been removed, and the client must delete it)",
  role: "data-plane",
  requires: ["envoy-admin"],
  fixture: "smoke.yaml",
  appliesTo: sotwStreams,
  twins: [dpDoubleTwin("keeps-absent-cluster", "keeps a cluster that left the CDS response")],
  timeoutMs: 60_000,
  async run(ctx) {
    const double = dpDoubleOf(ctx);
    if (double) {
      const d = await runDpDouble(ctx, double);
      const reason = sotwAbsenceDeletes(d.entries, d.applied!);
      return reason ? fail(reason) : pass();
    }
    const s = await ctx.startScenario();
    await s.stack.applyAndSettle("v2", [...baseOf(s), ...extraCluster(s, "other"), ...extraListener("side")]);
    ctx.phase('leaving cluster "other" and listener "side" out');
    await s.stack.applyAndSettle("v3", baseOf(s), asGiven(s.stack));
    const types = [CLUSTER_TYPE_URL, LISTENER_TYPE_URL];
    const applied = only(
      await appliedWhen(
        s.stack,
        (a) => !a.get(CLUSTER_TYPE_URL)!.has("other") && !a.get(LISTENER_TYPE_URL)!.has("side"),
        'cluster "other" and listener "side" gone',
      ),
      types,
    );
    const reason = sotwAbsenceDeletes([...s.stack.tap.entries()], applied);
    return reason ? fail(reason) : pass();
  },
});
