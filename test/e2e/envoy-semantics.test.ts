// Real Envoy's side of the acceptance rules that the foundation must show: a NACK with error_detail keeps
// the last good version; SotW CDS absence deletes, SotW EDS absence does not.
import { expect } from "chai";
import { Stack } from "../../harness/scenario/stack.ts";
import { edsCluster, loadAssignment } from "../../harness/xds/resources.ts";
import { CLUSTER_TYPE_URL, ENDPOINT_TYPE_URL } from "../../harness/proto/type-urls.ts";
import { waitFor } from "../../harness/dataplanes/envoy-admin.ts";
import { smokeResources } from "./support.ts";

describe("e2e: NACK and deletion semantics with real Envoy (SotW ADS)", function () {
  this.timeout(60_000);
  let stack: Stack;
  beforeEach(async () => {
    stack = await Stack.start({
      variant: { transport: "sotw", mode: "ads" },
      backends: [{ name: "v1" }, { name: "v2" }],
      listeners: ["ingress"],
    });
  });
  afterEach(async () => stack.stop());

  it("NACKs an invalid cluster with error_detail; Envoy and the server keep the last good version", async () => {
    await stack.applyAndSettle("v1", smokeResources(stack));
    await stack.startEnvoy();
    await stack.tap.waitForAck(CLUSTER_TYPE_URL, "v1", 15_000);
    await stack.dp.waitForReady({ timeoutMs: 15_000 });
    // Valid proto, invalid for Envoy: a STATIC cluster whose load assignment names no endpoints but
    // asks for an LB policy that needs a config Envoy rejects (ring hash with min > max).
    const bad = {
      ...edsCluster("backend"),
      lb_policy: "RING_HASH",
      ring_hash_lb_config: { minimum_ring_size: 1000, maximum_ring_size: 10 },
    };
    const resources = smokeResources(stack).map((r) =>
      (r as any).name === "backend" && r["@type"] === CLUSTER_TYPE_URL ? bad : r,
    );
    await stack.apply("v2", resources, "as-given");
    const nack = await stack.tap.waitFor(
      (e) => e.classification === "nack" && e.typeUrl === CLUSTER_TYPE_URL,
      "CDS NACK",
      15_000,
    );
    expect(nack.errorDetail?.message).to.match(/ring/i);
    expect(nack.versionInfo, "a NACK carries the last accepted version").to.equal("v1");
    expect(nack.answers?.version).to.equal("v2");
    const dump = (await stack.dp.admin.configDump()) as any;
    const clusters = dump.configs.find((c: any) => c["@type"].includes("ClustersConfigDump"));
    const backend = clusters.dynamic_active_clusters.find((c: any) => c.cluster.name === "backend");
    expect(backend.version_info).to.equal("v1");
    const responses = stack.tap
      .entries()
      .filter((e) => e.direction === "response" && e.typeUrl === CLUSTER_TYPE_URL);
    expect(
      responses.map((e) => e.versionInfo),
      "no resend of the NACKed version",
    ).to.deep.equal(["v1", "v2"]);
  });

  it("removing a cluster from a SotW CDS response removes it; omitting an EDS resource does not", async () => {
    const base = smokeResources(stack);
    const v1port = stack.backends.get("v1")!.port;
    const extra = [edsCluster("other"), loadAssignment("other", [{ port: v1port }])];
    await stack.applyAndSettle("v1", [...base, ...extra]);
    await stack.startEnvoy();
    await stack.dp.waitForReady({ timeoutMs: 15_000 });
    await stack.server.waitForQuiescence(stack.node.id);
    const hosts = async (name: string) => {
      const all = await stack.dp.admin.clusters();
      return all.find((c) => c.name === name)?.host_statuses?.length;
    };
    expect(await hosts("other")).to.equal(1);
    // v2: "other" keeps its cluster but its ClusterLoadAssignment is omitted — not a deletion in SotW EDS.
    await stack.applyAndSettle("v2", [...base, edsCluster("other")], "as-given");
    expect(await hosts("other")).to.equal(1);
    const edsResponses = stack.tap
      .entries()
      .filter((e) => e.direction === "response" && e.typeUrl === ENDPOINT_TYPE_URL);
    expect(edsResponses.at(-1)!.resources!.map((r) => r.name)).to.not.include("other");
    // v3: "other" is absent from CDS — a deletion in SotW CDS.
    await stack.applyAndSettle("v3", base, "as-given");
    await waitFor(
      async () =>
        (await hosts("other")) === undefined
          ? { done: true, value: true }
          : { done: false, seen: "cluster still present" },
      { timeoutMs: 10_000, what: 'cluster "other" removed from Envoy' },
    );
  });
});
