import { expect } from "chai";
import { decodeResource, encodeResource, type JsonObject } from "../proto/codec.ts";
import type { DiscoveryResponse, DeltaDiscoveryResponse } from "../proto/discovery.ts";
import { ENDPOINT_TYPE_URL, ROUTE_TYPE_URL } from "../proto/type-urls.ts";
import type { FaultContext } from "./faults.ts";
import { RESOURCE_FAULTS } from "./resource-faults.ts";

const route = (weights: number[]): JsonObject => ({
  name: "split",
  virtual_hosts: [
    {
      name: "all",
      domains: ["*"],
      routes: [
        {
          match: { prefix: "/" },
          route: { weighted_clusters: { clusters: weights.map((weight, i) => ({ name: `c${i}`, weight })) } },
        },
      ],
    },
  ],
});

const cla: JsonObject = {
  cluster_name: "c",
  endpoints: [0, 1].map((l) => ({
    locality: { zone: `z${l}` },
    load_balancing_weight: l === 0 ? 80 : 20,
    lb_endpoints: [9, 1].map((w, i) => ({
      endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: 1000 + i } } },
      load_balancing_weight: w,
    })),
  })),
};

const first: FaultContext = { streamId: 1, typeUrl: ROUTE_TYPE_URL, sent: 0 };
const later: FaultContext = { ...first, sent: 3, previousNonce: "1" };

function sotw(fault: string, typeUrl: string, json: JsonObject, ctx = first): JsonObject {
  const resp: DiscoveryResponse = {
    versionInfo: "v1",
    typeUrl,
    nonce: "2",
    resources: [{ typeUrl, value: encodeResource(typeUrl, json) }],
  };
  const out = RESOURCE_FAULTS[fault].sotwResponse!(ctx, resp)!;
  return decodeResource(typeUrl, out.resources[0].value);
}

const routeWeights = (json: JsonObject) =>
  (
    ((json.virtual_hosts as JsonObject[])[0].routes as JsonObject[])[0].route as {
      weighted_clusters: { clusters: { weight?: number }[] };
    }
  ).weighted_clusters.clusters.map((c) => c.weight ?? 0);

describe("xds/resource-faults", () => {
  it("skews route weights by 3 points of the total, from the largest to the next", () => {
    expect(routeWeights(sotw("skew-route-weights", ROUTE_TYPE_URL, route([90, 10])))).to.deep.equal([
      8700, 1300,
    ]);
    expect(routeWeights(sotw("skew-route-weights", ROUTE_TYPE_URL, route([1, 99])))).to.deep.equal([
      400, 9600,
    ]);
    expect(routeWeights(sotw("skew-route-weights", ROUTE_TYPE_URL, route([50, 30, 20])))).to.deep.equal([
      4700, 3300, 2000,
    ]);
  });

  it("skews endpoint and locality weights, and equalizes every kind of weight", () => {
    const endpoints = sotw("skew-endpoint-weights", ENDPOINT_TYPE_URL, cla);
    const lbWeights = (j: JsonObject, l: number) =>
      ((j.endpoints as JsonObject[])[l].lb_endpoints as JsonObject[]).map(
        (e) => e.load_balancing_weight ?? 1,
      );
    expect(lbWeights(endpoints, 0)).to.deep.equal([870, 130]);
    const localities = sotw("skew-locality-weights", ENDPOINT_TYPE_URL, cla);
    expect((localities.endpoints as JsonObject[]).map((l) => l.load_balancing_weight)).to.deep.equal([
      7700, 2300,
    ]);
    const equal = sotw("equalize-weights", ENDPOINT_TYPE_URL, cla);
    expect(lbWeights(equal, 1)).to.deep.equal([1, 1]);
    expect((equal.endpoints as JsonObject[]).map((l) => l.load_balancing_weight)).to.deep.equal([1, 1]);
    expect(routeWeights(sotw("equalize-weights", ROUTE_TYPE_URL, route([90, 10])))).to.deep.equal([1, 1]);
  });

  it("gives a weight-0 cluster weight 1 and leaves the others", () => {
    expect(routeWeights(sotw("weight-zero-gets-weight", ROUTE_TYPE_URL, route([50, 50, 0])))).to.deep.equal([
      50, 50, 1,
    ]);
  });

  it("keeps the first route response and reverses the weights of later ones (delta too)", () => {
    expect(routeWeights(sotw("stale-route-weights", ROUTE_TYPE_URL, route([90, 10])))).to.deep.equal([
      90, 10,
    ]);
    expect(routeWeights(sotw("stale-route-weights", ROUTE_TYPE_URL, route([10, 90]), later))).to.deep.equal([
      90, 10,
    ]);
    const delta: DeltaDiscoveryResponse = {
      systemVersionInfo: "v2",
      typeUrl: ROUTE_TYPE_URL,
      nonce: "3",
      removedResources: [],
      resources: [
        {
          name: "split",
          version: "h",
          resource: { typeUrl: ROUTE_TYPE_URL, value: encodeResource(ROUTE_TYPE_URL, route([10, 90])) },
        },
      ],
    };
    const out = RESOURCE_FAULTS["stale-route-weights"].deltaResponse!(later, delta)!;
    expect(routeWeights(decodeResource(ROUTE_TYPE_URL, out.resources[0].resource!.value))).to.deep.equal([
      90, 10,
    ]);
  });
});
