import { defineCheck } from "../../harness/checks/define.ts";
import { ALPHA, POWER, type SplitPlan } from "./support/plan.ts";
import { runSplitCheck } from "./support/run-split.ts";
import { EQUALIZE, SKEW, SKEW_ROUTE } from "./support/twins.ts";

// A TCP proxy picks its weighted cluster once per downstream connection, so one sample = one new
// connection: reusing a connection would repeat one routing decision and break the SPRT's independence.
export const PLAN_TCP: SplitPlan = {
  weights: { a: 80, b: 20 },
  statistics: { alpha: ALPHA, tolerance: SKEW, power: POWER },
  method: { kind: "sprt", target: "b" },
};

export const tcpPerConnection = defineCheck({
  id: "traffic-split.tcp-per-connection",
  suite: "traffic-split",
  statistics: { alpha: ALPHA, power: POWER },
  title: "A TCP proxy's weighted_clusters 80/20 splits connections 80/20 within ±3 points",
  spec: "tcp_proxy.proto TcpProxy.weighted_clusters (per-connection choice in proportion to weight)",
  role: "data-plane",
  requires: ["http-listener"],
  fixture: "traffic-split/tcp-per-connection.yaml",
  twins: [SKEW_ROUTE, EQUALIZE],
  timeoutMs: 60_000,
  run: (ctx) => runSplitCheck(ctx, PLAN_TCP, { connection: "per-request", batchSize: 300 }),
});
