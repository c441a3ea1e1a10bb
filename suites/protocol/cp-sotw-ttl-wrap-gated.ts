import { defineCheck, pass, skipped } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS } from "../../harness/proto/type-urls.ts";
import { SUPPORTS_RESOURCE_IN_SOTW } from "../../harness/xds/ttl.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { faultTwin, sotwStreams } from "./support/define.ts";
import { clusters } from "./support/resources.ts";
import type { CarriedResource } from "./support/subscriber.ts";
import { declareResourceInSotw, TTL_MS, ttlUnsupported, withTtl } from "./support/ttl.ts";

const describe = (c: CarriedResource | undefined) =>
  !c ? "missing" : c.wrapped ? `wrapped in a Resource (ttl ${c.ttlMs ?? "unset"})` : "as a plain resource";

export const cpSotwTtlWrapGated = defineCheck({
  id: "protocol.cp-sotw-ttl-wrap-gated",
  suite: "protocol",
  title:
    "SotW: a TTL'd resource is wrapped in a Resource (with its TTL) only for clients declaring xds.config.supports-resource-in-sotw",
  spec: "xds_protocol#sotw-ttl",
  role: "control-plane",
  requires: [],
  appliesTo: sotwStreams,
  twins: [faultTwin("wrap-without-client-feature"), faultTwin("drop-ttl")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      const unsupported = ttlUnsupported(cp.handle);
      if (unsupported) return skipped(unsupported);
      await cp.apply("v1", withTtl(clusters({ a: "1s", b: "1s" }), CDS, ["a"]));
      // A client without the feature cannot unwrap a Resource: it gets the resource itself.
      cp.sub.subscribeAll(CDS);
      const plain = await cp.sub.next(CDS);
      const wrapped = plain.carried.filter((c) => c.wrapped).map((c) => c.name);
      if (wrapped.length > 0)
        return failWith(
          cp,
          `a client that did not declare ${SUPPORTS_RESOURCE_IN_SOTW} got [${wrapped}] wrapped in a Resource`,
        );
      cp.sub.ack(plain);
      // The same node on a new stream, now declaring the feature: the TTL'd "a" comes wrapped with its TTL.
      await cp.caughtUp();
      cp.sub.reconnect();
      declareResourceInSotw(cp.sub);
      cp.sub.subscribeAll(CDS, { version: "" });
      const gated = await cp.sub.next(CDS);
      const a = gated.carried.find((c) => c.name === "a");
      if (!a?.wrapped || a.ttlMs !== TTL_MS || !a.body)
        return failWith(
          cp,
          `a client declaring ${SUPPORTS_RESOURCE_IN_SOTW} got "a" ${describe(a)}, expected it wrapped with its body and ttl ${TTL_MS}ms`,
        );
      return pass();
    }),
});
