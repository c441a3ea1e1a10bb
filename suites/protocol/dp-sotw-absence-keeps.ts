// R39, Envoy only (admin config_dump): SotW EDS/RDS absence is not deletion.
import { defineCheck, fail, pass } from "../../harness/checks/define.ts";
import { ENDPOINT_TYPE_URL, ROUTE_TYPE_URL } from "../../harness/proto/type-urls.ts";
import { sotwStreams } from "./support/define.ts";
import { dpDoubleOf, dpDoubleTwin, runDpDouble } from "./support/dp-doubles.ts";
import { asGiven, baseOf, extraCluster, extraListener } from "./support/dp-scenario.ts";
import { sotwAbsenceKeeps } from "./support/dp-state-rules.ts";
import { envoyApplied, only } from "./support/envoy-applied.ts";

export const dpSotwAbsenceKeeps = defineCheck({
  id: "protocol.dp-sotw-absence-keeps",
  suite: "protocol",
  title: "Endpoints or routes left out of a SotW EDS/RDS response stay applied",
  spec: "xds_protocol#deleting-resources (SotW EDS/RDS: absence is not deletion; an empty DiscoveryResponse is effectively a no-op)",
  role: "data-plane",
  // The state that leaves a referenced load assignment out is inconsistent on purpose: only the
  // reference server serves it (go-control-plane's Consistent() refuses it).
  requires: ["reference-cp", "envoy-admin"],
  fixture: "smoke.yaml",
  // SotW over ADS only: on per-type streams Envoy opens one EDS/RDS stream per resource, so a response
  // leaving a subscribed name out could only be an empty one, which the reference server never sends
  // (nothing changed for that stream's names): the rule cannot be exercised there.
  appliesTo: (v) => sotwStreams(v) && v.mode === "ads",
  twins: [
    dpDoubleTwin("drops-absent-endpoints", "drops a load assignment that a later EDS response left out"),
  ],
  timeoutMs: 60_000,
  async run(ctx) {
    const double = dpDoubleOf(ctx);
    if (double) {
      const d = await runDpDouble(ctx, double);
      const reason = sotwAbsenceKeeps(d.entries, d.applied!);
      return reason ? fail(reason) : pass();
    }
    const s = await ctx.startScenario();
    const full = [...baseOf(s), ...extraCluster(s, "other"), ...extraListener("side")];
    await s.stack.applyAndSettle("v2", full);
    ctx.phase('leaving the load assignment "other" and the routes "side-routes" out');
    const omitted = full.filter((r) => r.cluster_name !== "other" && r.name !== "side-routes");
    await s.stack.applyAndSettle("v3", omitted, asGiven(s.stack));
    const applied = only(await envoyApplied(s.stack.dp.admin), [ENDPOINT_TYPE_URL, ROUTE_TYPE_URL]);
    const reason = sotwAbsenceKeeps([...s.stack.tap.entries()], applied);
    return reason ? fail(reason) : pass();
  },
});
