import { defineCheck, fail, pass } from "../../harness/checks/define.ts";
import type { Evidence } from "../../harness/checks/types.ts";
import type { StartedProxylessClient } from "../../harness/dataplanes/proxyless.ts";
import { summarize } from "../../harness/traffic/load-driver.ts";
import { crossCheck } from "./support/judge.ts";
import { serverCounts } from "./support/run-split.ts";
import { startProxyless } from "./support/grpc-split.ts";

const RETIRED = "green";
/** A weight-0 cluster is never picked and blue has one backend: the outcome is deterministic (α = 0). */
const RPCS = 200;
/**
 * gRPC waits for every routed cluster before the channel leaves IDLE; a cluster that is never sent counts
 * as missing only when the client's 15 s resource timer fires (gRFC A27 "does not exist"), so the deadline
 * sits above that timer.
 */
const READY_DEADLINE_MS = 25_000;

// xds_protocol#how-the-client-specifies-what-resources-to-return: a CDS request is answered with the
// names asked for that exist, whatever the routes reference. gRPC need not subscribe to a weight-0
// cluster (grpc-go does not, grpc-js does); a control plane that answers CDS only when the response covers
// every routed cluster (go-control-plane's ADS superset check, go-control-plane#1389 / grpc-go#8865) never
// answers here, where the weight-0 cluster is not served at all, and the channel never resolves.
export const grpcWeightZeroCluster = defineCheck({
  id: "traffic-split.grpc-weight-zero-cluster",
  suite: "traffic-split",
  title: "A gRPC route 100/0 whose weight-0 cluster is not served sends every RPC to the other, none failing",
  spec: "xds_protocol#how-the-client-specifies-what-resources-to-return; route.proto ClusterWeight.weight",
  role: "both",
  requires: ["proxyless"],
  fixture: "traffic-split/grpc-weight-zero-cluster.yaml",
  twins: [
    {
      name: "fault:ads-require-superset",
      description:
        "withholds a CDS response unless it names every cluster the routes reference, weight-0 ones included (go-control-plane#1389)",
      server: { faults: ["ads-require-superset"] },
    },
  ],
  timeoutMs: 75_000,
  async run(ctx) {
    // The fixture declares green's Cluster only to pass the loader's reference check; the state served
    // is the one after green was retired and before the route was cleaned up.
    const fixture = ctx.loadFixture();
    fixture.resources = fixture.resources.filter((r) => r.name !== RETIRED);
    const started = await startProxyless(ctx, fixture, READY_DEADLINE_MS);
    if (started.verdict) return started.verdict;
    const { stack } = started.scenario;
    const client = stack.dataPlane as StartedProxylessClient;
    ctx.phase(`sending ${RPCS} RPCs`);
    const records = await client.sendRpcs({ count: RPCS, ratePerSec: 1000, timeoutMs: 5000 });
    const s = summarize(records);
    const metrics = {
      rpcs: s.total,
      losses: s.losses,
      ...Object.fromEntries(Object.entries(s.byBackend).map(([b, n]) => [`backend.${b}`, n])),
    };
    const evidence: Evidence[] = [
      { label: "rpc records", file: "rpcs.jsonl", content: records, excerpt: JSON.stringify(metrics) },
    ];
    if (s.losses > 0)
      return fail(
        `RPCs failed: expected 0, got ${s.losses} of ${s.total} (${JSON.stringify(s.byError)})`,
        evidence,
        metrics,
      );
    const blue = s.byBackend.blue ?? 0;
    if (blue !== s.total)
      return fail(
        `backend "blue": expected all ${s.total} RPCs, got ${blue} (${JSON.stringify(s.byBackend)})`,
        evidence,
        metrics,
      );
    const mismatches = crossCheck(records, serverCounts(stack));
    if (mismatches.length > 0)
      return fail(`client/server counts disagree: ${mismatches.join("; ")}`, evidence, metrics);
    return pass(evidence, metrics);
  },
});
