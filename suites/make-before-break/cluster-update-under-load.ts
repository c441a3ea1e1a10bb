import { defineCheck } from "../../harness/checks/define.ts";
import { activeVerdict, watchClusterActive, type ClusterActiveWatch } from "./cluster-active.ts";
import { TWINS } from "./twins.ts";
import { runUnderLoad } from "./under-load.ts";

const CLUSTER = "backend";
/**
 * How long the updated cluster may take to become active. Well below Envoy's 15 s default
 * initial_fetch_timeout, after which Envoy warms the update from its EDS cache on its own and would hide
 * a control plane that never sent the ClusterLoadAssignment.
 */
const ACTIVE_DEADLINE_MS = 5000;

interface SubsetCluster {
  lb_subset_config?: { default_subset?: { color?: string } };
}
const color = (c: SubsetCluster | undefined) => c?.lb_subset_config?.default_subset?.color;

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
  twins: [TWINS.ignoreUnchangedEds],
  timeoutMs: 30_000,
  async run(ctx) {
    let watch: ClusterActiveWatch | undefined;
    const result = await runUnderLoad(ctx, [{ listener: "ingress", connection: "reuse" }], undefined, (s) => {
      watch = watchClusterActive<SubsetCluster>(ctx, s, {
        cluster: CLUSTER,
        label: (c) => String(color(c)),
        updated: (c) => color(c) === "green",
        what: "default subset green (v2)",
        timeoutMs: ACTIVE_DEADLINE_MS,
      });
    });
    return activeVerdict(ctx, result, ["green"], watch);
  },
});
