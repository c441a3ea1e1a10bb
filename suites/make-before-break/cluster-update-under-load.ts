import { defineCheck, fail } from "../../harness/checks/define.ts";
import { waitFor } from "../../harness/dataplanes/envoy-admin.ts";
import { isLoss } from "../../harness/traffic/load-driver.ts";
import { lossVerdict, runUnderLoad } from "./under-load.ts";

const CLUSTER = "backend";
/**
 * How long the updated cluster may take to become active. Well below Envoy's 15 s default
 * initial_fetch_timeout, after which Envoy warms the update from its EDS cache on its own and would hide
 * a control plane that never sent the ClusterLoadAssignment.
 */
const ACTIVE_DEADLINE_MS = 5000;

interface DumpedCluster {
  version_info?: string;
  cluster?: { name?: string; lb_subset_config?: { default_subset?: { color?: string } } };
}

/** The active and warming versions of CLUSTER in a config dump, as "color@version_info". */
function describe(configs: readonly object[] | undefined): string {
  const own = ((configs ?? []) as DumpedCluster[]).filter((e) => e.cluster?.name === CLUSTER);
  return own.map((e) => `${e.cluster?.lb_subset_config?.default_subset?.color}@${e.version_info}`).join(",");
}

// xds_protocol#resource-warming: an updated EDS cluster completes warming only when a
// ClusterLoadAssignment is supplied, even an unchanged one. A control plane that answers EDS only when
// the endpoints changed (go-control-plane#245) leaves the update warming: no request is lost (the old
// cluster keeps serving) but the update never takes effect — hence both the loss count and the config dump.
export const clusterUpdateUnderLoad = defineCheck({
  id: "make-before-break.cluster-update-under-load",
  suite: "make-before-break",
  title: "Updating an EDS cluster's parameters (same endpoints) under load loses no request and takes effect",
  spec: "xds_protocol#resource-warming",
  role: "control-plane",
  requires: ["envoy-admin", "http-listener"],
  fixture: "make-before-break/cluster-update.yaml",
  twins: [
    {
      name: "fault:ignore-unchanged-eds",
      description:
        "does not answer an EDS request whose assignment did not change (go-control-plane#245): the updated cluster stays warming",
      server: { faults: ["ignore-unchanged-eds"] },
    },
  ],
  timeoutMs: 30_000,
  async run(ctx) {
    const samples: string[] = [];
    let active: Promise<string | Error> = Promise.resolve(new Error("the change never started"));
    const result = await runUnderLoad(ctx, [{ listener: "ingress", connection: "reuse" }], undefined, (s) => {
      active = waitFor(
        async () => {
          const dump = await s.dp.admin.configDump({ resource: "dynamic_active_clusters" });
          const warm = await s.dp.admin.configDump({ resource: "dynamic_warming_clusters" });
          const seen = `active ${describe(dump.configs) || "none"}, warming ${describe(warm.configs) || "none"}`;
          if (samples.at(-1)?.endsWith(seen) !== true) samples.push(`${new Date().toISOString()} ${seen}`);
          const updated = ((dump.configs ?? []) as DumpedCluster[]).some(
            (e) =>
              e.cluster?.name === CLUSTER && e.cluster.lb_subset_config?.default_subset?.color === "green",
          );
          return updated && !describe(warm.configs) ? { done: true, value: seen } : { done: false, seen };
        },
        {
          what: `cluster "${CLUSTER}" active with default subset green (v2) and not warming`,
          timeoutMs: ACTIVE_DEADLINE_MS,
          intervalMs: 25,
          signal: ctx.signal,
        },
      ).catch((e: Error) => e);
    });
    const outcome = await active;
    ctx.addEvidence({
      label: "cluster versions (admin config dump samples)",
      file: "cluster-versions.txt",
      content: samples.join("\n") || "no sample",
      excerpt: samples.slice(-3).join("\n"),
    });
    const verdict = lossVerdict(result, ["green"]);
    const lost = [...result.records.values()].flat().some(isLoss);
    if (outcome instanceof Error && !lost)
      return fail(
        `${outcome.message} (the update did not take effect: Envoy warms an updated EDS cluster until it gets a ClusterLoadAssignment)`,
        verdict.evidence,
        verdict.metrics,
      );
    return verdict;
  },
});
