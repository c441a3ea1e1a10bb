import { defineCheck, fail, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS } from "../../harness/proto/type-urls.ts";
import { faultTwin, grpcStreams } from "./support/define.ts";
import { keptThroughout, sampleCluster, TTL_MS, withTtl, withTtlStack } from "./support/ttl.ts";

/** A negative observation ("not removed"): three TTLs, so each is bridged by heartbeats alone. */
const WINDOW_MS = 3 * TTL_MS;

export const dpTtlHeartbeatKeeps = defineCheck({
  id: "protocol.dp-ttl-heartbeat-keeps",
  suite: "protocol",
  title: "Heartbeats (body-less Resources at the current version) keep a TTL'd resource alive",
  spec: "xds_protocol#ttl",
  role: "data-plane",
  // Counts the reference server's heartbeats, so the window is known to be bridged by them alone.
  requires: ["reference-cp", "envoy-admin"],
  fixture: "smoke.yaml",
  appliesTo: grpcStreams,
  twins: [faultTwin("no-heartbeat")],
  timeoutMs: 60_000,
  run: (ctx) =>
    withTtlStack(ctx, async (stack, fixtureResources) => {
      let heartbeats = 0;
      stack.server.on("response", (e) => {
        if (e.heartbeat && e.nodeId === stack.node.id) heartbeats++;
      });
      ctx.phase(`serving cluster "backend" with a TTL of ${TTL_MS}ms`);
      await stack.applyAndSettle("v2", withTtl(fixtureResources, CDS, ["backend"]));
      const from = Date.now();
      ctx.phase(`watching cluster "backend" for ${WINDOW_MS}ms of heartbeats`);
      const samples = await sampleCluster(stack.dp.admin, "backend", WINDOW_MS, (s) => !s.present);
      const reason = keptThroughout(
        samples,
        "backend",
        from,
        `it was served with a ${TTL_MS}ms TTL (${heartbeats} heartbeats sent meanwhile)`,
      );
      if (reason) return fail(reason);
      // The twin without heartbeats must lose the cluster; without heartbeats sent the pass means nothing.
      if (heartbeats < 2)
        return fail(`expected at least 2 heartbeats in ${WINDOW_MS}ms, the server sent ${heartbeats}`);
      return pass([], { heartbeats });
    }),
});
