import { defineCheck, fail, pass } from "../../harness/checks/define.ts";
import type { JsonObject } from "../../harness/proto/codec.ts";
import { CLUSTER_TYPE_URL } from "../../harness/proto/type-urls.ts";
import { nackKeepsPreviousVersion } from "./support/dp-analysis.ts";
import { doubleTwin, runDouble, type DoubleKind } from "./support/dp-double.ts";
import { grpcStreams } from "./support/define.ts";

/** Valid proto that Envoy rejects: a ring hash whose minimum ring size exceeds its maximum. */
const invalid = (r: JsonObject): JsonObject =>
  r["@type"] === CLUSTER_TYPE_URL
    ? {
        ...r,
        lb_policy: "RING_HASH",
        ring_hash_lb_config: { minimum_ring_size: 1000, maximum_ring_size: 10 },
      }
    : r;

export const dpNackPreviousVersion = defineCheck({
  id: "protocol.dp-nack-previous-version",
  suite: "protocol",
  title: "A rejected response is NACKed by its nonce, with error_detail and the previous version",
  spec: "xds_protocol#nack; xds_protocol#ack-and-nack-semantics-summary; discovery.proto DiscoveryRequest.version_info",
  role: "data-plane",
  requires: [],
  fixture: "smoke.yaml",
  appliesTo: grpcStreams,
  twins: [doubleTwin("nack-rejected-version", "NACKs with the rejected version as its version_info")],
  timeoutMs: 60_000,
  async run(ctx) {
    const double = ctx.params.double as DoubleKind | undefined;
    if (double) {
      const reason = nackKeepsPreviousVersion((await runDouble(ctx, double)).entries, "v2", CLUSTER_TYPE_URL);
      return reason ? fail(reason) : pass();
    }
    const { stack, fixture } = await ctx.startScenario();
    ctx.phase("pushing a cluster the data plane must reject");
    // The reference server pushes as given (its default policy would wait for an ACK that never comes);
    // any other control plane just serves the snapshot.
    await stack.apply(
      "v2",
      fixture.resources.map((r) => invalid(r.json)),
      stack.isReference ? "as-given" : undefined,
    );
    await stack.tap
      .waitFor((e) => e.direction === "request" && !!e.errorDetail, "a NACK of v2", 15_000)
      .catch(() => undefined);
    const reason = nackKeepsPreviousVersion(stack.tap.entries(), "v2", CLUSTER_TYPE_URL);
    return reason ? fail(reason) : pass();
  },
});
