// R36 on any data plane (transcript only; needs the reference server's duplicate-resources fault).
import { defineCheck, fail, pass } from "../../harness/checks/define.ts";
import { grpcStreams } from "./support/define.ts";
import { dpDoubleOf, dpDoubleTwin, runDpDouble } from "./support/dp-doubles.ts";
import { CLUSTER_TYPE_URL } from "../../harness/proto/type-urls.ts";
import { duplicatesNacked } from "./support/dp-wire-rules.ts";

const server = { faults: ["duplicate-resources"] };

export const dpDuplicateNamesNacked = defineCheck({
  id: "protocol.dp-duplicate-names-nacked",
  suite: "protocol",
  title: "A CDS response that names the same cluster twice is NACKed",
  spec: "xds_protocol#duplicate-resource-names (clients should NACK responses that contain multiple instances of the same resource name)",
  role: "data-plane",
  requires: ["reference-cp"],
  fixture: "smoke.yaml",
  appliesTo: grpcStreams,
  twins: [dpDoubleTwin("acks-duplicates", "ACKs a CDS response that names a cluster twice")],
  timeoutMs: 60_000,
  async run(ctx) {
    const double = dpDoubleOf(ctx);
    if (double) {
      const reason = duplicatesNacked((await runDpDouble(ctx, double, server)).entries);
      return reason ? fail(reason) : pass();
    }
    // Nothing is ever accepted, so the data plane never becomes ready: wait for its answer instead.
    const { stack } = await ctx.startScenario(undefined, { server, waitReady: false });
    await stack.tap
      .waitFor(
        (e) => e.typeUrl === CLUSTER_TYPE_URL && (e.classification === "ack" || e.classification === "nack"),
        "an answer to the first CDS response",
        15_000,
      )
      .catch(() => undefined);
    // CDS only: a data plane may take part of a response it NACKs (Envoy adds the first "backend" and
    // subscribes to its endpoints), and whether the server answers that EDS request before the NACK is
    // timing; duplicate endpoints are protocol.dp-duplicate-endpoints-nacked's rule.
    const reason = duplicatesNacked(stack.tap.entries().filter((e) => e.typeUrl === CLUSTER_TYPE_URL));
    return reason ? fail(reason) : pass();
  },
});
