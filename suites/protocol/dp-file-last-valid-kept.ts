import { defineCheck, fail, pass } from "../../harness/checks/define.ts";
import { FILE_LAYOUT } from "../../harness/dataplanes/config-source.ts";
import type { JsonObject } from "../../harness/proto/codec.ts";
import { CLUSTER_TYPE_URL } from "../../harness/proto/type-urls.ts";
import { cdsCounters, getStatus, writeConfigFile } from "./support/file-writer.ts";

/** Valid proto that Envoy rejects: a ring hash whose minimum ring size exceeds its maximum. */
const invalid = (r: JsonObject): JsonObject => ({
  ...r,
  lb_policy: "RING_HASH",
  ring_hash_lb_config: { minimum_ring_size: 1000, maximum_ring_size: 10 },
});

export interface AfterRejection {
  counters: { before: Record<string, number>; after: Record<string, number> };
  versionBefore: string;
  versionAfter: string;
  clusterPresent: boolean;
  trafficStatus: number;
}

/** R69 as a function of what was observed after Envoy processed a bad CDS file; the reason or undefined. */
export function lastValidKept(o: AfterRejection): string | undefined {
  const delta = (k: string) => (o.counters.after[k] ?? 0) - (o.counters.before[k] ?? 0);
  if (delta("update_rejected") < 1)
    return `the bad CDS file was not rejected (update_rejected +${delta("update_rejected")}, update_success +${delta("update_success")})`;
  if (o.versionAfter !== o.versionBefore)
    return `CDS version moved from "${o.versionBefore}" to "${o.versionAfter}" after a rejected update`;
  if (!o.clusterPresent) return `cluster "backend" of the last valid configuration is gone`;
  if (o.trafficStatus !== 200)
    return `traffic through the last valid configuration got ${o.trafficStatus || "a connection error"}, expected 200`;
  return undefined;
}

export const dpFileLastValidKept = defineCheck({
  id: "protocol.dp-file-last-valid-kept",
  suite: "protocol",
  title: "Filesystem subscription: after a rejected file update the last valid configuration keeps applying",
  spec: 'xds_protocol#filesystem-subscriptions ("The last valid configuration for an xDS API will continue to apply if an configuration update rejection occurs")',
  role: "data-plane",
  requires: ["reference-cp", "envoy-admin", "http-listener"],
  fixture: "smoke.yaml",
  appliesTo: (v) => v.mode === "file",
  twins: [
    {
      name: "writer:valid-empty",
      description: "a misbehaving writer whose 'bad' update is a valid CDS file without clusters",
      params: { writer: "valid-empty" },
    },
  ],
  timeoutMs: 60_000,
  async run(ctx) {
    const { stack, fixture } = await ctx.startScenario();
    const admin = stack.dp.admin;
    const versionBefore = (await admin.versions()).clusters;
    const before = await cdsCounters(admin);
    const clustersJson = stack
      .adapt(fixture.resources.map((r) => r.json))
      .filter((r) => r["@type"] === CLUSTER_TYPE_URL);
    const bad = ctx.params.writer === "valid-empty" ? [] : clustersJson.map(invalid);
    ctx.phase("moving a CDS file Envoy must reject into place");
    writeConfigFile("atomic-move", stack.xdsConfig.fileDir!, FILE_LAYOUT.cds, "v2-bad", bad);
    // Files have no NACK: "no mechanism ... beyond stats counters and logs". Envoy counts every
    // attempt, so the attempt counter says the file was processed, whatever the outcome.
    const after = await admin.waitFor(
      async () => {
        const now = await cdsCounters(admin);
        return (now.update_attempt ?? 0) > (before.update_attempt ?? 0)
          ? { done: true as const, value: now }
          : { done: false as const, seen: JSON.stringify(now) };
      },
      { what: "Envoy processing the new CDS file (cluster_manager.cds.update_attempt)", timeoutMs: 10_000 },
    );
    const observed: AfterRejection = {
      counters: { before, after },
      versionBefore,
      versionAfter: (await admin.versions()).clusters,
      clusterPresent: (await admin.clusters()).some((c) => c.name === "backend"),
      trafficStatus: await getStatus(stack.url("ingress")),
    };
    const reason = lastValidKept(observed);
    return reason
      ? fail(reason)
      : pass([], { rejected: (after.update_rejected ?? 0) - (before.update_rejected ?? 0) });
  },
});
