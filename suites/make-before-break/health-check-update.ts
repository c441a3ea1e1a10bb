import { defineCheck } from "../../harness/checks/define.ts";
import { activeVerdict, watchClusterActive, type ClusterActiveWatch } from "./cluster-active.ts";
import { TWINS } from "./twins.ts";
import { runUnderLoad } from "./under-load.ts";

const CLUSTER = "backend";
/** Below Envoy's 15 s initial_fetch_timeout, as in cluster-update-under-load.ts. */
const ACTIVE_DEADLINE_MS = 5000;

interface HealthCheckedCluster {
  health_checks?: { timeout?: string }[];
}
const hcTimeout = (c: HealthCheckedCluster | undefined) => c?.health_checks?.[0]?.timeout;

// envoy#13070: a CDS update that only changed a health-check timeout gave a burst of 503 UH while the
// rebuilt cluster's hosts waited for their first health check. Envoy's cluster warming (xds_protocol
// "Resource warming"; arch_overview cluster_manager "Cluster warming": initial health checks included)
// replaces the old cluster only once the new one is ready, so no request may meet a cluster without a
// healthy host. The update must also take effect, which needs the (unchanged) ClusterLoadAssignment
// re-sent: the config dump shows it, as in cluster-update-under-load.
export const healthCheckUpdate = defineCheck({
  id: "make-before-break.health-check-update",
  suite: "make-before-break",
  title: "Changing an actively health-checked cluster's health-check timeout under load loses no request",
  spec: "xds_protocol#resource-warming (clusters go through warming, initial health checks included, before serving)",
  role: "both",
  requires: ["envoy-admin", "http-listener"],
  fixture: "make-before-break/health-check-update.yaml",
  twins: [
    {
      name: "fixture:health-check-update-failing",
      description:
        "the update's health check expects a status the backend never answers: the updated cluster has no healthy host (503 UH, envoy#13070's symptom)",
      fixture: "twins/health-check-update-failing.yaml",
    },
    TWINS.ignoreUnchangedEds,
  ],
  timeoutMs: 30_000,
  async run(ctx) {
    let watch: ClusterActiveWatch | undefined;
    const result = await runUnderLoad(ctx, [{ listener: "ingress", connection: "reuse" }], undefined, (s) => {
      watch = watchClusterActive<HealthCheckedCluster>(ctx, s, {
        cluster: CLUSTER,
        label: (c) => `timeout ${hcTimeout(c)}`,
        updated: (c) => hcTimeout(c) === "2s",
        what: "health-check timeout 2s (v2)",
        timeoutMs: ACTIVE_DEADLINE_MS,
      });
    });
    return activeVerdict(ctx, result, ["v1"], watch);
  },
});
