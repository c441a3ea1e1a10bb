import { defineCheck, fail } from "../../harness/checks/define.ts";
import { lossVerdict, runUnderLoad } from "./under-load.ts";

/**
 * Envoy's HTTP connection manager counters for connections Envoy itself ended: closed while draining,
 * and every close it initiated (the load's keep-alive client never closes, and the HCM idle timeout is 1 h).
 */
const CLOSED_BY_ENVOY = [
  "http.ingress.downstream_cx_drain_close",
  "http.ingress.downstream_cx_destroy_local",
];

// envoy#17109: a per-filter config change through RDS dropped every downstream connection of the
// listener. An RDS update replaces the route table for new streams; a listener that did not change keeps
// its connections (Envoy docs: rds "route table updates ... without draining"; lds "a listener update
// drains the connections of the replaced filter chains"). Connections closed gracefully between requests
// lose nothing, so the loss count alone cannot show it: Envoy's own counters do.
export const rdsUpdateKeepsConnections = defineCheck({
  id: "make-before-break.rds-update-keeps-connections",
  suite: "make-before-break",
  title: "A route-only change (per-filter config through RDS) under load closes no downstream connection",
  spec: "xds_protocol#eventual-consistency-considerations (RDS updates apply to new streams; an unchanged listener is not drained)",
  role: "both",
  requires: ["envoy-admin", "http-listener"],
  fixture: "make-before-break/rds-update-keeps-connections.yaml",
  twins: [
    {
      name: "fixture:rds-update-as-listener-change",
      description:
        "the routes are inline in the listener, so the same change is a listener update that drains the connections (envoy#17109's symptom)",
      fixture: "twins/rds-update-as-listener-change.yaml",
    },
  ],
  timeoutMs: 30_000,
  async run(ctx) {
    let before: Promise<Record<string, number>> = Promise.resolve({});
    const result = await runUnderLoad(ctx, [{ listener: "ingress", connection: "reuse" }], undefined, (s) => {
      before = s.dp.admin.stats("^http\\.ingress\\.downstream_cx_");
    });
    const after = await result.scenario.stack.dp.admin.stats("^http\\.ingress\\.downstream_cx_");
    const start = await before;
    const closed = CLOSED_BY_ENVOY.map((name) => [name, (after[name] ?? 0) - (start[name] ?? 0)] as const);
    ctx.addEvidence({
      label: "Envoy downstream connection counters (at the change, after the load)",
      file: "downstream-cx.json",
      content: { atChange: start, afterLoad: after },
      excerpt: closed.map(([n, d]) => `${n} +${d}`).join("\n"),
    });
    const verdict = lossVerdict(result, ["v1"]);
    if (verdict.verdict !== "pass") return verdict;
    const nonzero = closed.filter(([, d]) => d > 0);
    if (nonzero.length > 0)
      return fail(
        `connections closed by Envoy during the route-only change: expected 0, got ${nonzero.map(([n, d]) => `${n} +${d}`).join(", ")} (of ${after["http.ingress.downstream_cx_total"] ?? "?"} accepted)`,
        verdict.evidence,
        verdict.metrics,
      );
    return verdict;
  },
});
