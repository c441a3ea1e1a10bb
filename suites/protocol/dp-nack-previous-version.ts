import { defineCheck, fail, pass } from "../../harness/checks/define.ts";
import type { JsonObject } from "../../harness/proto/codec.ts";
import { CLUSTER_TYPE_URL } from "../../harness/proto/type-urls.ts";
import { nackKeepsPreviousVersion } from "./support/dp-analysis.ts";
import { dpDoubleOf, dpDoubleTwin, runDpDouble } from "./support/dp-doubles.ts";
import { grpcStreams } from "./support/define.ts";

/**
 * Valid proto that every data plane rejects: least request choosing among 1 host. Envoy's schema says
 * choice_count >= 2 (cluster.proto LeastRequestLbConfig), grpc-go NACKs it ("must be >= 2", gRFC A48),
 * grpc-js-xds NACKs the policy ("unsupported lb_policy"). (A ring hash with min > max, used before, is
 * ACKed by both gRPC clients: neither compares the sizes when it validates the Cluster.)
 */
const invalid = (r: JsonObject): JsonObject =>
  r["@type"] === CLUSTER_TYPE_URL
    ? { ...r, lb_policy: "LEAST_REQUEST", least_request_lb_config: { choice_count: 1 } }
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
  twins: [dpDoubleTwin("nack-rejected-version", "NACKs with the rejected version as its version_info")],
  timeoutMs: 60_000,
  async run(ctx) {
    const double = dpDoubleOf(ctx);
    if (double) {
      const reason = nackKeepsPreviousVersion(
        (await runDpDouble(ctx, double)).entries,
        "v2",
        CLUSTER_TYPE_URL,
      );
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
