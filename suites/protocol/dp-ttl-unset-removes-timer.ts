import { defineCheck, fail, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS } from "../../harness/proto/type-urls.ts";
import { faultTwin, grpcStreams } from "./support/define.ts";
import { keptThroughout, sampleCluster, TTL_MS, withTtl, withTtlStack } from "./support/ttl.ts";

/** A negative observation ("not removed") well past the TTL that was removed. */
const WINDOW_MS = 3 * TTL_MS;

export const dpTtlUnsetRemovesTimer = defineCheck({
  id: "protocol.dp-ttl-unset-removes-timer",
  suite: "protocol",
  title: "A resource resent with its TTL unset no longer expires",
  spec: 'xds_protocol#ttl ("To remove the TTL, the management server resends the resource with the TTL field unset")',
  role: "data-plane",
  requires: ["reference-cp", "envoy-admin"],
  fixture: "smoke.yaml",
  appliesTo: grpcStreams,
  twins: [faultTwin("sticky-ttl")],
  timeoutMs: 60_000,
  run: (ctx) =>
    withTtlStack(ctx, async (stack, fixtureResources) => {
      const resources = fixtureResources;
      ctx.phase(`serving cluster "backend" with a TTL of ${TTL_MS}ms, then without`);
      await stack.applyAndSettle("v2", withTtl(resources, CDS, ["backend"]));
      await stack.applyAndSettle("v3", withTtl(resources, CDS, ["backend"], null));
      // Without the control plane nothing refreshes a TTL: only the removed timer keeps the cluster.
      await stack.cp.stop();
      const from = Date.now();
      ctx.phase(`control plane gone: watching cluster "backend" for ${WINDOW_MS}ms`);
      const samples = await sampleCluster(stack.dp.admin, "backend", WINDOW_MS, (s) => !s.present);
      const reason = keptThroughout(
        samples,
        "backend",
        from,
        "the control plane went away (its TTL was unset in v3)",
      );
      return reason ? fail(reason) : pass();
    }),
});
