// R24, Envoy only (admin config_dump; needs the reference server's unrequested-eds fault to provoke it).
import { defineCheck, fail, pass } from "../../harness/checks/define.ts";
import { ENDPOINT_TYPE_URL } from "../../harness/proto/type-urls.ts";
import { UNREQUESTED_EDS_NAME } from "../../harness/xds/faults.ts";
import { grpcStreams } from "./support/define.ts";
import { dpDoubleOf, dpDoubleTwin, runDpDouble } from "./support/dp-doubles.ts";
import { ignoresUnrequested } from "./support/dp-state-rules.ts";
import { envoyApplied, only } from "./support/envoy-applied.ts";

const server = { faults: ["unrequested-eds"] };

export const dpIgnoresUnrequested = defineCheck({
  id: "protocol.dp-ignores-unrequested",
  suite: "protocol",
  title: "A resource that was never requested is silently ignored: ACKed, not applied",
  spec: "xds_protocol#how-the-client-specifies-what-resources-to-return (the client will silently ignore any supplied resources that were not explicitly requested)",
  role: "data-plane",
  requires: ["reference-cp", "envoy-admin"],
  fixture: "smoke.yaml",
  appliesTo: grpcStreams,
  twins: [dpDoubleTwin("applies-unrequested", "applies every load assignment it receives, requested or not")],
  timeoutMs: 60_000,
  async run(ctx) {
    const double = dpDoubleOf(ctx);
    if (double) {
      const d = await runDpDouble(ctx, double, server);
      const reason = ignoresUnrequested(d.entries, d.applied!, ENDPOINT_TYPE_URL);
      return reason ? fail(reason) : pass();
    }
    const { stack } = await ctx.startScenario(undefined, { server });
    const entries = [...stack.tap.entries()];
    const applied = only(await envoyApplied(stack.dp.admin), [ENDPOINT_TYPE_URL]);
    const reason = ignoresUnrequested(entries, applied, ENDPOINT_TYPE_URL);
    if (reason) return fail(reason);
    // "Silently": the response that carried it was ACKed, not NACKed.
    const carrying = entries.filter(
      (e) => e.direction === "response" && e.resources?.some((r) => r.name === UNREQUESTED_EDS_NAME),
    );
    const nack = entries.find(
      (e) => e.classification === "nack" && carrying.some((r) => r.seq === e.answers?.seq),
    );
    return nack
      ? fail(
          `a response carrying the unrequested "${UNREQUESTED_EDS_NAME}" was NACKed: ${nack.errorDetail?.message ?? ""}`,
        )
      : pass([], { unrequestedResponses: carrying.length });
  },
});
