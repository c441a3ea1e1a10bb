// R47, Envoy only (warming is observed in the admin config_dump; the dangling state needs the
// reference server, which serves a state as given).
import { defineCheck, fail, pass } from "../../harness/checks/define.ts";
import { waitFor } from "../../harness/dataplanes/envoy-admin.ts";
import { ENDPOINT_TYPE_URL, ROUTE_TYPE_URL } from "../../harness/proto/type-urls.ts";
import { edsCluster, httpListener, loadAssignment, routeConfig } from "../../harness/xds/resources.ts";
import { grpcStreams } from "./support/define.ts";
import { dpDoubleOf, dpDoubleTwin, runDpDouble } from "./support/dp-doubles.ts";
import { baseOf } from "./support/dp-scenario.ts";
import { warmingWaitsForDependents, type WarmingObservation } from "./support/dp-state-rules.ts";
import { envoyWarming } from "./support/envoy-applied.ts";

// No initial_fetch_timeout: warming may only end with the dependency itself.
const SOURCE = { ads: {}, resource_api_version: "V3", initial_fetch_timeout: "0s" };
const NEEDS = {
  late: { typeUrl: ENDPOINT_TYPE_URL, name: "late" },
  "late-listener": { typeUrl: ROUTE_TYPE_URL, name: "late-routes" },
};

export const dpWarmingWaits = defineCheck({
  id: "protocol.dp-warming-waits",
  suite: "protocol",
  title: "A cluster warms until its endpoints arrive, a listener until its routes arrive",
  spec: "xds_protocol#resource-warming (clusters and listeners go through warming before serving requests)",
  role: "data-plane",
  requires: ["reference-cp", "envoy-admin"],
  fixture: "smoke.yaml",
  appliesTo: grpcStreams,
  twins: [
    dpDoubleTwin(
      "activates-before-warming",
      "reports a new cluster active before its load assignment arrived",
    ),
  ],
  timeoutMs: 60_000,
  async run(ctx) {
    const double = dpDoubleOf(ctx);
    if (double) {
      const d = await runDpDouble(ctx, double);
      const needs = { [d.subject!]: { typeUrl: ENDPOINT_TYPE_URL, name: d.subject! } };
      const reason = warmingWaitsForDependents(d.entries, d.observations!, needs);
      return reason ? fail(reason) : pass();
    }
    // A delta server may report the missing names (removed_resources, R64): Envoy then ends warming at
    // once ("does not exist"), leaving nothing to observe; delta-no-missing-report keeps them pending.
    const delta = ctx.cell.variant.transport === "delta";
    const s = await ctx.startScenario(
      undefined,
      delta ? { server: { faults: ["delta-no-missing-report"] } } : {},
    );
    const port = [...s.stack.backends.values()][0]!.port;
    const adds = [
      edsCluster("late", { configSource: SOURCE }),
      httpListener("late-listener", 0, "late-routes", { configSource: SOURCE }),
    ];
    const observations: WarmingObservation[] = [];
    const until = (what: string, done: (o: WarmingObservation) => boolean) =>
      waitFor(
        async () => {
          const o = await envoyWarming(s.stack.dp.admin);
          observations.push(o);
          return done(o)
            ? { done: true, value: undefined }
            : { done: false, seen: `active [${[...o.active]}] warming [${[...o.warming]}]` };
        },
        { timeoutMs: 10_000, intervalMs: 100, what },
      ).catch(() => undefined);
    ctx.phase('adding cluster "late" and listener "late-listener" without their dependencies');
    await s.stack.apply("v2", [...baseOf(s), ...adds], "as-given");
    await until("both warming", (o) => Object.keys(NEEDS).every((n) => o.warming.has(n)));
    ctx.phase("sending the load assignment and the routes");
    await s.stack.apply(
      "v3",
      [...baseOf(s), ...adds, loadAssignment("late", [{ port }]), routeConfig("late-routes", "backend")],
      "as-given",
    );
    await until("both active", (o) => Object.keys(NEEDS).every((n) => o.active.has(n)));
    const reason = warmingWaitsForDependents([...s.stack.tap.entries()], observations, NEEDS);
    return reason ? fail(reason) : pass([], { observations: observations.length });
  },
});
