// R40, Envoy only (initial_fetch_timeout is Envoy's timer, observed in the admin config_dump; the
// dangling cluster needs the reference server, which serves a state as given).
import { defineCheck, fail, pass } from "../../harness/checks/define.ts";
import { waitFor } from "../../harness/dataplanes/envoy-admin.ts";
import { ENDPOINT_TYPE_URL } from "../../harness/proto/type-urls.ts";
import { edsCluster } from "../../harness/xds/resources.ts";
import { grpcStreams } from "./support/define.ts";
import { baseOf } from "./support/dp-scenario.ts";
import { proceedsWithoutResource } from "./support/dp-state-rules.ts";
import { envoyWarming } from "./support/envoy-applied.ts";

/** How long the check watches for the data plane to give up on the missing resource (timeout 1 s). */
const WINDOW_MS = 6000;

export const dpResourceTimeout = defineCheck({
  id: "protocol.dp-resource-timeout",
  suite: "protocol",
  title: "A requested resource that never arrives stops blocking after the fetch timeout",
  spec: "xds_protocol#knowing-when-a-requested-resource-does-not-exist (clients are expected to use a timeout)",
  role: "data-plane",
  requires: ["reference-cp", "envoy-admin"],
  fixture: "smoke.yaml",
  appliesTo: grpcStreams,
  twins: [
    {
      name: "config:no-fetch-timeout",
      description: "a data plane that waits for a missing resource forever (initial_fetch_timeout 0s)",
      params: { fetchTimeout: "0s" },
    },
  ],
  timeoutMs: 60_000,
  async run(ctx) {
    const timeout = (ctx.params.fetchTimeout as string | undefined) ?? "1s";
    // A delta server may report the missing name (removed_resources, R64), which ends the wait without
    // any timer: the reference server's delta-no-missing-report mode leaves the timer to end it.
    const delta = ctx.cell.variant.transport === "delta";
    const s = await ctx.startScenario(
      undefined,
      delta ? { server: { faults: ["delta-no-missing-report"] } } : {},
    );
    // Cluster "ghost" needs load assignment "ghost", which the control plane does not have.
    const ghost = edsCluster("ghost", {
      configSource: { ads: {}, resource_api_version: "V3", initial_fetch_timeout: timeout },
    });
    ctx.phase(`adding cluster "ghost" without endpoints (initial_fetch_timeout ${timeout})`);
    await s.stack.apply("v2", [...baseOf(s), ghost], "as-given");
    const proceededAt = await waitFor(
      async () => {
        const o = await envoyWarming(s.stack.dp.admin);
        return o.active.has("ghost")
          ? { done: true, value: o.at }
          : { done: false, seen: o.warming.has("ghost") ? '"ghost" warming' : '"ghost" not there yet' };
      },
      { timeoutMs: WINDOW_MS, intervalMs: 100, what: 'cluster "ghost" active' },
    ).catch(() => undefined);
    const reason = proceedsWithoutResource(
      [...s.stack.tap.entries()],
      ENDPOINT_TYPE_URL,
      "ghost",
      proceededAt,
      WINDOW_MS,
    );
    return reason ? fail(reason) : pass();
  },
});
