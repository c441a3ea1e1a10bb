import { defineCheck, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS } from "../../harness/proto/type-urls.ts";
import { failWith } from "./support/control-plane.ts";
import { owed, withTtlServed } from "./support/cp-scripts.ts";
import { faultTwin, grpcStreams } from "./support/define.ts";
import type { CarriedResource } from "./support/subscriber.ts";
import { TTL_MS, withTtl } from "./support/ttl.ts";

const describe = (c: CarriedResource | undefined) =>
  !c ? "not at all" : `${c.body ? "with" : "without"} a body and ttl ${c.ttlMs ?? "unset"}`;

export const cpTtlUnsetResent = defineCheck({
  id: "protocol.cp-ttl-unset-resent",
  suite: "protocol",
  title: "Removing a resource's TTL resends the resource with the TTL field unset",
  spec: 'xds_protocol#ttl ("To remove the TTL, the management server resends the resource with the TTL field unset")',
  role: "control-plane",
  requires: [],
  appliesTo: grpcStreams,
  twins: [faultTwin("sticky-ttl")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withTtlServed(ctx, async (cp, first, state) => {
      cp.sub.ack(first);
      // Only the TTL changes: the client keeps a timer until the resource comes again without one.
      await cp.apply("v2", withTtl(state, CDS, ["a"], null));
      // Heartbeats of v1 may still arrive first; the resend is the first response carrying a body.
      for (;;) {
        const r = await owed(cp, CDS, `"a" lost its TTL in v2 and was not resent`, 2 * TTL_MS);
        cp.sub.ack(r);
        const a = r.carried.find((c) => c.name === "a");
        if (!a?.body) continue;
        if (a.ttlMs !== undefined)
          return failWith(
            cp,
            `"a" was resent after its TTL was removed ${describe(a)}: the client keeps expiring it`,
          );
        return pass();
      }
    }),
});
