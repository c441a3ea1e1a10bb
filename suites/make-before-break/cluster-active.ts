// Watching Envoy's admin config dump during a change: the updated cluster must become active, with
// nothing of it left warming, within a deadline. A control plane that never completes the update's
// warming (xds_protocol#resource-warming: an updated EDS cluster needs a ClusterLoadAssignment, even an
// unchanged one) loses no request — the old cluster keeps serving — so only the dump shows it.
import type { CheckContext } from "../../harness/checks/context.ts";
import { fail } from "../../harness/checks/define.ts";
import type { Verdict } from "../../harness/checks/types.ts";
import { waitFor } from "../../harness/dataplanes/envoy-admin.ts";
import type { Scenario } from "../../harness/scenario/scenario.ts";
import { isLoss } from "../../harness/traffic/load-driver.ts";
import { lossVerdict, type UnderLoadResult } from "./under-load.ts";

/** A cluster as the config dump lists it (dynamic_active_clusters / dynamic_warming_clusters). */
interface DumpedCluster<C> {
  version_info?: string;
  cluster?: C & { name?: string };
}

export interface ClusterActiveWatch {
  /** The cluster as `label(cluster)@version_info`, active and warming, each time it changed. */
  samples: string[];
  /** Resolves with the last sample once `updated` holds for the active cluster and none warms; an Error past the deadline. */
  outcome: Promise<string | Error>;
}

/** C: the shape of the Cluster fields `label` and `updated` read. */
export function watchClusterActive<C>(
  ctx: CheckContext,
  stack: Scenario["stack"],
  opts: {
    cluster: string;
    /** What identifies a version of the cluster in samples, e.g. its default subset's color. */
    label: (cluster: C | undefined) => string;
    updated: (cluster: C | undefined) => boolean;
    /** Says what the update is, for the error. */
    what: string;
    timeoutMs: number;
  },
): ClusterActiveWatch {
  const samples: string[] = [];
  const own = (configs: readonly object[] | undefined) =>
    ((configs ?? []) as DumpedCluster<C>[]).filter((e) => e.cluster?.name === opts.cluster);
  const describe = (configs: readonly object[] | undefined) =>
    own(configs)
      .map((e) => `${opts.label(e.cluster)}@${e.version_info}`)
      .join(",");
  const outcome = waitFor(
    async () => {
      const active = await stack.dp.admin.configDump({ resource: "dynamic_active_clusters" });
      const warming = await stack.dp.admin.configDump({ resource: "dynamic_warming_clusters" });
      const seen = `active ${describe(active.configs) || "none"}, warming ${describe(warming.configs) || "none"}`;
      if (samples.at(-1)?.endsWith(seen) !== true) samples.push(`${new Date().toISOString()} ${seen}`);
      const done = own(active.configs).some((e) => opts.updated(e.cluster)) && !describe(warming.configs);
      return done ? { done: true, value: seen } : { done: false, seen };
    },
    {
      what: `cluster "${opts.cluster}" active with ${opts.what} and not warming`,
      timeoutMs: opts.timeoutMs,
      intervalMs: 25,
      signal: ctx.signal,
    },
  ).catch((e: Error) => e);
  return { samples, outcome };
}

/**
 * lossVerdict, and a failure when no request was lost but the update never became active: the samples
 * go in as evidence either way.
 */
export async function activeVerdict(
  ctx: CheckContext,
  result: UnderLoadResult,
  expectBackends: string[],
  watch: ClusterActiveWatch | undefined,
): Promise<Verdict> {
  const outcome = watch ? await watch.outcome : new Error("the change never started");
  const samples = watch?.samples ?? [];
  ctx.addEvidence({
    label: "cluster versions (admin config dump samples)",
    file: "cluster-versions.txt",
    content: samples.join("\n") || "no sample",
    excerpt: samples.slice(-3).join("\n"),
  });
  const verdict = lossVerdict(result, expectBackends);
  const lost = [...result.records.values()].flat().some(isLoss);
  if (outcome instanceof Error && !lost)
    return fail(
      `${outcome.message} (the update did not take effect: Envoy warms an updated EDS cluster until it gets a ClusterLoadAssignment)`,
      verdict.evidence,
      verdict.metrics,
    );
  return verdict;
}
