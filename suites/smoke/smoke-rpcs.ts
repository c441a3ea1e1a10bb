import { defineCheck, fail, pass } from "../../harness/checks/define.ts";
import {
  clientConstraintsEvidence,
  type ProxylessClientName,
  type StartedProxylessClient,
} from "../../harness/dataplanes/proxyless.ts";
import { summarize } from "../../harness/traffic/load-driver.ts";

export const smokeRpcs = defineCheck({
  id: "smoke.rpcs-reach-endpoints",
  suite: "smoke",
  title: "A proxyless gRPC client's RPCs reach every endpoint of the cluster and none fails",
  spec: "gRFC A27 (xDS-based global load balancing): round robin over EDS endpoints",
  role: "both",
  requires: ["proxyless"],
  fixture: "smoke-grpc.yaml",
  twins: [
    {
      name: "fixture:smoke-grpc-dead-endpoint",
      description: "endpoint v2 points at a port nothing listens on: RPCs picked to it fail (UNAVAILABLE)",
      fixture: "twins/smoke-grpc-dead-endpoint.yaml",
    },
  ],
  async run(ctx) {
    ctx.addEvidence(clientConstraintsEvidence(ctx.cell.dp as ProxylessClientName));
    const { stack } = await ctx.startScenario();
    const client = stack.dataPlane as StartedProxylessClient;
    ctx.phase("sending 40 RPCs");
    const records = await client.sendRpcs({ count: 40, timeoutMs: 5000 });
    const s = summarize(records);
    const evidence = [
      { label: "rpc records", file: "rpcs.jsonl", content: records, excerpt: JSON.stringify(s) },
    ];
    const metrics = {
      rpcs: s.total,
      losses: s.losses,
      ...Object.fromEntries(Object.entries(s.byBackend).map(([b, n]) => [`backend.${b}`, n])),
    };
    const missing = [...stack.backends.keys()].filter((b) => !s.byBackend[b]);
    if (s.losses > 0)
      return fail(`${s.losses} of ${s.total} RPCs failed (${JSON.stringify(s.byError)})`, evidence, metrics);
    if (missing.length > 0)
      return fail(
        `no RPC reached backend(s) ${missing.join(", ")}: ${JSON.stringify(s.byBackend)}`,
        evidence,
        metrics,
      );
    const served = [...stack.backends.values()].reduce((n, b) => n + b.getCount(), 0);
    if (served !== s.total)
      return fail(`client counted ${s.total} RPCs, backends served ${served}`, evidence, metrics);
    return pass(evidence, metrics);
  },
});
