import { defineCheck, fail, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS } from "../../harness/proto/type-urls.ts";
import { faultTwin, grpcStreams } from "./support/define.ts";
import { expiredBy, sampleCluster, TTL_MS, withTtl, withTtlStack } from "./support/ttl.ts";

/** How long after the control plane went away the TTL'd cluster must be gone. */
const DEADLINE_MS = TTL_MS + 3000;

export const dpTtlExpiryRemoves = defineCheck({
  id: "protocol.dp-ttl-expiry-removes",
  suite: "protocol",
  title: "A resource whose TTL runs out without a heartbeat is removed by the data plane",
  spec: "xds_protocol#ttl; discovery.proto Resource.ttl",
  role: "data-plane",
  // The TTL'd cluster must come from a control plane that serves TTLs and can be stopped.
  requires: ["reference-cp", "envoy-admin"],
  fixture: "smoke.yaml",
  // SotW: Envoy declares xds.config.supports-resource-in-sotw through its bootstrap (withTtlStack).
  appliesTo: grpcStreams,
  twins: [faultTwin("drop-ttl")],
  timeoutMs: 60_000,
  run: (ctx) =>
    withTtlStack(ctx, async (stack, fixtureResources) => {
      ctx.phase(`serving cluster "backend" with a TTL of ${TTL_MS}ms`);
      await stack.applyAndSettle("v2", withTtl(fixtureResources, CDS, ["backend"]));
      // xds_protocol "TTL": the TTL removes resources "if contact with the management server is lost".
      ctx.phase("control plane gone: waiting for the TTL to expire");
      await stack.cp.stop();
      const from = Date.now();
      const samples = await sampleCluster(stack.dp.admin, "backend", DEADLINE_MS, (s) => !s.present);
      const reason = expiredBy(samples, "backend", from, DEADLINE_MS);
      const gone = samples.find((s) => !s.present);
      return reason ? fail(reason) : pass([], { removedAfterMs: Math.round(gone!.at - from) });
    }),
});
