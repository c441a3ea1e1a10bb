// R32, Envoy only ("Envoy will always use wildcard subscriptions"; a gRPC proxyless client names its
// listener by design), judged from the transcript alone.
import { defineCheck } from "../../harness/checks/define.ts";
import { grpcStreams } from "./support/define.ts";
import { dpDoubleTwin } from "./support/dp-doubles.ts";
import { wildcardLdsCds } from "./support/dp-wire-rules.ts";
import { judgeTranscript } from "./support/wire-check.ts";

export const dpWildcardLdsCds = defineCheck({
  id: "protocol.dp-wildcard-lds-cds",
  suite: "protocol",
  title: "Envoy subscribes to Listener and Cluster by wildcard",
  spec: "xds_protocol#client-behavior (Envoy will always use wildcard subscriptions for Listener and Cluster resources)",
  role: "data-plane",
  requires: ["envoy-admin"],
  fixture: "smoke.yaml",
  appliesTo: grpcStreams,
  twins: [dpDoubleTwin("names-clusters", "subscribes to a cluster by name")],
  timeoutMs: 60_000,
  run: (ctx) => judgeTranscript(ctx, wildcardLdsCds),
});
