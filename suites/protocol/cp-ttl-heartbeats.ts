import { defineCheck, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS } from "../../harness/proto/type-urls.ts";
import { failWith } from "./support/control-plane.ts";
import { withTtlServed } from "./support/cp-scripts.ts";
import { faultTwin, grpcStreams } from "./support/define.ts";
import type { Reply } from "./support/subscriber.ts";
import { TTL_MS } from "./support/ttl.ts";

/** How many consecutive TTL periods must each see a heartbeat (or a resend with the TTL). */
const PERIODS = 2;

export const cpTtlHeartbeats = defineCheck({
  id: "protocol.cp-ttl-heartbeats",
  suite: "protocol",
  title: "A resource served with a TTL is heartbeated (or resent with its TTL) before the TTL runs out",
  spec: "xds_protocol#ttl; xds_protocol#sotw-ttl; discovery.proto Resource.ttl",
  role: "control-plane",
  requires: [],
  appliesTo: grpcStreams,
  twins: [faultTwin("no-heartbeat")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withTtlServed(ctx, async (cp, first) => {
      // What the client has: a heartbeat must carry exactly this version to count as one.
      const has = (r: Reply) => (cp.sub.delta ? r.versions.a : r.version);
      const version = has(first);
      cp.sub.ack(first);
      for (let period = 1; period <= PERIODS; period++) {
        const beat = await cp.sub.within(CDS, TTL_MS);
        if (!beat)
          return failWith(
            cp,
            `no heartbeat or resend of "a" within its TTL of ${TTL_MS}ms (period ${period}): the client drops it`,
          );
        const a = beat.carried.find((c) => c.name === "a");
        if (!a) return failWith(cp, `the response in period ${period} does not carry "a": [${beat.names}]`);
        if (a.ttlMs === undefined)
          return failWith(cp, `"a" was resent without a TTL in period ${period}: that removes the TTL`);
        if (!a.body && a.version !== version)
          return failWith(
            cp,
            `heartbeat of "a" carries version "${a.version}", the client has "${version}": it is not a heartbeat`,
          );
        cp.sub.ack(beat);
      }
      return pass();
    }),
});
