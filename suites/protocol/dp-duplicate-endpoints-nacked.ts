// R36 for EDS on any data plane (transcript only; needs the reference server's duplicate-endpoints fault):
// the clusters are valid and accepted, then every EDS response names its ClusterLoadAssignment twice.
import { defineCheck, fail, pass } from "../../harness/checks/define.ts";
import { ENDPOINT_TYPE_URL } from "../../harness/proto/type-urls.ts";
import type { TranscriptEntry } from "../../harness/tap/transcript.ts";
import { grpcStreams } from "./support/define.ts";
import { dpDoubleOf, dpDoubleTwin, runDpDouble } from "./support/dp-doubles.ts";
import { duplicatesNacked } from "./support/dp-wire-rules.ts";

const server = { faults: ["duplicate-endpoints"] };
const eds = (entries: readonly TranscriptEntry[]) => entries.filter((e) => e.typeUrl === ENDPOINT_TYPE_URL);

export const dpDuplicateEndpointsNacked = defineCheck({
  id: "protocol.dp-duplicate-endpoints-nacked",
  suite: "protocol",
  title: "An EDS response that names the same ClusterLoadAssignment twice is NACKed",
  spec: "xds_protocol#duplicate-resource-names (clients should NACK responses that contain multiple instances of the same resource name)",
  role: "data-plane",
  requires: ["reference-cp"],
  fixture: "smoke.yaml",
  appliesTo: grpcStreams,
  twins: [
    dpDoubleTwin("acks-duplicate-endpoints", "ACKs an EDS response that names a cluster's endpoints twice"),
  ],
  timeoutMs: 60_000,
  async run(ctx) {
    const double = dpDoubleOf(ctx);
    if (double) {
      const reason = duplicatesNacked(eds((await runDpDouble(ctx, double, server)).entries));
      return reason ? fail(reason) : pass();
    }
    const { stack } = await ctx.startScenario(undefined, { server, waitReady: false });
    await stack.tap
      .waitFor(
        (e) => e.typeUrl === ENDPOINT_TYPE_URL && (e.classification === "ack" || e.classification === "nack"),
        "an answer to the first EDS response",
        15_000,
      )
      .catch(() => undefined);
    const reason = duplicatesNacked(eds(stack.tap.entries()));
    return reason ? fail(reason) : pass();
  },
});
