import { expect } from "chai";
import type { Any, DeltaDiscoveryResponse, DiscoveryResponse } from "../proto/discovery.ts";
import { decodeResource, encodeResource, type JsonObject } from "../proto/codec.ts";
import {
  CLUSTER_TYPE_URL,
  ENDPOINT_TYPE_URL,
  LISTENER_TYPE_URL,
  ROUTE_TYPE_URL,
} from "../proto/type-urls.ts";
import type { FaultContext } from "./faults.ts";
import { EMPTY_PICK_CLUSTER, REPRO_FAULTS, routeClusters } from "./repro-faults.ts";

const any = (typeUrl: string, json: JsonObject): Any => ({ typeUrl, value: encodeResource(typeUrl, json) });
const sotw = (typeUrl: string, resources: Any[]): DiscoveryResponse => ({
  versionInfo: "v1",
  resources,
  typeUrl,
  nonce: "1",
});
const ctx = (streamId: number, sent: number): FaultContext => ({ streamId, typeUrl: "", sent });
const cla = any(ENDPOINT_TYPE_URL, { cluster_name: "backend" });
const weighted = (clusters: { name: string; weight: number }[]) =>
  any(ROUTE_TYPE_URL, {
    name: "routes",
    virtual_hosts: [
      {
        name: "all",
        domains: ["*"],
        routes: [{ match: { prefix: "/" }, route: { weighted_clusters: { clusters } } }],
      },
    ],
  });

describe("repro fault modes", () => {
  it("ignore-unchanged-eds withholds an EDS response identical to the last one on the stream", () => {
    const f = REPRO_FAULTS["ignore-unchanged-eds"]!;
    expect(f.sotwResponse!(ctx(1, 0), sotw(ENDPOINT_TYPE_URL, [cla]))).to.not.equal(undefined);
    expect(f.sotwResponse!(ctx(1, 1), sotw(ENDPOINT_TYPE_URL, [cla]))).to.equal(undefined);
    expect(f.sotwResponse!(ctx(2, 0), sotw(ENDPOINT_TYPE_URL, [cla])), "another stream").to.not.equal(
      undefined,
    );
    const delta = (version: string): DeltaDiscoveryResponse => ({
      systemVersionInfo: "v1",
      resources: [{ name: "backend", version, resource: cla, aliases: [] }],
      typeUrl: ENDPOINT_TYPE_URL,
      removedResources: [],
      nonce: "1",
    });
    expect(f.deltaResponse!(ctx(3, 0), delta("h1"))).to.not.equal(undefined);
    expect(f.deltaResponse!(ctx(3, 1), delta("h1"))).to.equal(undefined);
    expect(f.deltaResponse!(ctx(3, 2), delta("h2"))).to.not.equal(undefined);
  });

  it("ads-require-superset withholds CDS until it names every routed cluster, weight 0 included", () => {
    const f = REPRO_FAULTS["ads-require-superset"]!;
    const route = weighted([
      { name: "blue", weight: 100 },
      { name: "green", weight: 0 },
    ]);
    expect(routeClusters(decodeResource(ROUTE_TYPE_URL, route.value))).to.deep.equal(
      new Set(["blue", "green"]),
    );
    f.sotwResponse!(ctx(1, 0), sotw(ROUTE_TYPE_URL, [route]));
    const cluster = (name: string) => any(CLUSTER_TYPE_URL, { name, type: "EDS" });
    expect(f.sotwResponse!(ctx(1, 1), sotw(CLUSTER_TYPE_URL, [cluster("blue")]))).to.equal(undefined);
    expect(
      f.sotwResponse!(ctx(1, 2), sotw(CLUSTER_TYPE_URL, [cluster("blue"), cluster("green")])),
    ).to.not.equal(undefined);
  });

  it("weighted-empty-pick pads weights without total_weight up to 100 with a missing cluster", () => {
    const out = REPRO_FAULTS["weighted-empty-pick"]!.sotwResponse!(
      ctx(1, 0),
      sotw(ROUTE_TYPE_URL, [weighted([{ name: "backend", weight: 1 }])]),
    )!;
    const json = decodeResource(ROUTE_TYPE_URL, out.resources[0]!.value) as {
      virtual_hosts: { routes: { route: { weighted_clusters: { clusters: unknown[] } } }[] }[];
    };
    expect(json.virtual_hosts[0]!.routes[0]!.route.weighted_clusters.clusters).to.deep.equal([
      { name: "backend", weight: 1 },
      { name: EMPTY_PICK_CLUSTER, weight: 99 },
    ]);
  });

  it("restart-after-listener-removal closes the stream once, after a response that drops a listener", () => {
    const f = REPRO_FAULTS["restart-after-listener-removal"]!;
    const listener = (name: string) => any(LISTENER_TYPE_URL, { name });
    const first = sotw(LISTENER_TYPE_URL, [listener("a"), listener("b")]);
    f.sotwResponse!(ctx(1, 0), first);
    expect(f.closeAfterSend!(ctx(1, 1))).to.equal(false);
    f.sotwResponse!({ ...ctx(1, 1), previousResponse: first }, sotw(LISTENER_TYPE_URL, [listener("b")]));
    expect(f.closeAfterSend!(ctx(1, 2))).to.equal(true);
    expect(f.closeAfterSend!(ctx(1, 2)), "only once").to.equal(false);
  });
});
