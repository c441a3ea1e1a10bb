import { defineCheck, fail } from "../../harness/checks/define.ts";
import { ENDPOINT_TYPE_URL } from "../../harness/proto/type-urls.ts";
import { isLoss } from "../../harness/traffic/load-driver.ts";
import { TWINS } from "../make-before-break/twins.ts";
import { lossVerdict, runUnderLoad } from "../make-before-break/under-load.ts";

// Judged on the data plane's behaviour under load while the route moves to the new cluster "green":
// no request may be answered by green before green's endpoints (EDS) reached the data plane, and none
// may fail because the route already pointed at green while it was warming (Envoy answers 503 NC for a
// warming cluster, UH for a warmed one without hosts). The admin API's warming clusters, sampled during
// the change, are kept as evidence.
export const dpClusterWarmBeforeUse = defineCheck({
  id: "ordering.dp-cluster-warm-before-use",
  suite: "ordering",
  title: "The data plane sends traffic to a new cluster only after it has warmed (its EDS arrived)",
  spec: "envoy: arch_overview/upstream/cluster_manager#cluster-warming",
  role: "data-plane",
  requires: ["envoy-admin", "http-listener"],
  fixture: "ordering/add-cluster.yaml",
  twins: [TWINS.edsLate],
  timeoutMs: 30_000,
  async run(ctx) {
    const warming: string[] = [];
    const sampler = new AbortController();
    let sampling: Promise<void> = Promise.resolve();
    ctx.phase("starting");
    const result = await runUnderLoad(ctx, [{ listener: "ingress", connection: "reuse" }], 1000, (stack) => {
      sampling = (async () => {
        while (!sampler.signal.aborted) {
          const dump = (await stack.dp.admin
            .configDump({ resource: "dynamic_warming_clusters" })
            .catch(() => undefined)) as { configs?: { cluster?: { name?: string } }[] } | undefined;
          const names = (dump?.configs ?? []).map((c) => c.cluster?.name).filter(Boolean);
          if (names.length) warming.push(`${new Date().toISOString()} warming: ${names.join(",")}`);
          await new Promise((r) => setTimeout(r, 25));
        }
      })();
    });
    sampler.abort();
    await sampling;
    ctx.addEvidence({
      label: "warming clusters (admin API samples)",
      file: "warming.txt",
      content: warming.join("\n") || "none seen",
    });
    const eds = result.scenario.stack.tap
      .entries()
      .find(
        (e) =>
          e.direction === "response" &&
          e.typeUrl === ENDPOINT_TYPE_URL &&
          e.resources?.some((r) => r.name === "green"),
      );
    const records = [...result.records.values()].flat();
    const early = records.filter((r) => r.backend === "green" && (!eds || r.endedAt < eds.at));
    if (early.length > 0)
      return fail(
        `cluster "green": expected no request answered by it before its EDS arrived, got ${early.length} (first at +${Math.round(early[0]!.sentAt - result.changeAt)}ms, EDS ${eds ? `at +${Math.round(eds.at - result.changeAt)}ms` : "never sent"})`,
      );
    const v = lossVerdict(result, ["green"]);
    if (v.verdict !== "fail" || !records.some(isLoss)) return v;
    return { ...v, reason: `the data plane failed requests while cluster "green" warmed: ${v.reason}` };
  },
});
