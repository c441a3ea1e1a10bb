// R13 on any SotW data plane (transcript only): a new stream's first request carries the last version.
import { defineCheck } from "../../harness/checks/define.ts";
import { sotwStreams } from "./support/define.ts";
import { dpDoubleTwin } from "./support/dp-doubles.ts";
import { resetAndResync } from "./support/dp-scenario.ts";
import { sotwReconnectCarriesVersion } from "./support/dp-wire-rules.ts";
import { judgeTranscript } from "./support/wire-check.ts";

export const dpSotwReconnectVersion = defineCheck({
  id: "protocol.dp-sotw-reconnect-version",
  suite: "protocol",
  title: "After a stream ends, the first SotW request of each type carries the version last accepted",
  spec: "xds_protocol#ack-nack-and-resource-type-instance-version (the initial request on a new stream indicates the most recent version seen)",
  role: "data-plane",
  requires: [],
  fixture: "smoke.yaml",
  appliesTo: sotwStreams,
  twins: [
    dpDoubleTwin("reconnects-without-version", "reconnects with an empty version_info after accepting v1"),
  ],
  timeoutMs: 60_000,
  run: (ctx) =>
    judgeTranscript(ctx, sotwReconnectCarriesVersion, {
      async act(s) {
        ctx.phase("ending the streams from the control plane's side");
        await resetAndResync(s.stack, s.fixture.version);
      },
    }),
});
