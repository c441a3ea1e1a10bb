import { expect } from "chai";
import { checkResource } from "../proto/codec.ts";
import { ENDPOINT_TYPE_URL, LISTENER_TYPE_URL, ROUTE_TYPE_URL } from "../proto/type-urls.ts";
import { apiListener, DEFAULT_LOCALITY, grpcLoadAssignment, grpcRouteConfig } from "./grpc-resources.ts";

type Json = Record<string, any>;

describe("grpc-resources", () => {
  it("builds a valid API listener whose HCM uses RDS over ADS and ends with the router", () => {
    const listener = apiListener("ingress", "local") as Json;
    expect(checkResource(LISTENER_TYPE_URL, listener)).to.deep.equal([]);
    expect(listener.address).to.equal(undefined);
    const hcm = listener.api_listener.api_listener;
    expect(hcm.rds).to.deep.include({ route_config_name: "local" });
    expect(hcm.rds.config_source.ads).to.deep.equal({});
    expect(hcm.http_filters.at(-1).name).to.equal("envoy.filters.http.router");
  });

  it("builds valid route configurations to one cluster and split by weight", () => {
    for (const target of ["backend", { a: 3, b: 1 }]) {
      const route = grpcRouteConfig("local", target);
      expect(checkResource(ROUTE_TYPE_URL, route)).to.deep.equal([]);
      expect(JSON.stringify(route)).not.to.include("response_headers_to_add");
    }
  });

  it("names and weights every locality", () => {
    const one = grpcLoadAssignment("backend", [{ port: 1 }, { port: 2 }]) as Json;
    expect(checkResource(ENDPOINT_TYPE_URL, one)).to.deep.equal([]);
    expect(one.endpoints).to.have.length(1);
    expect(one.endpoints[0]).to.deep.include({ locality: DEFAULT_LOCALITY, load_balancing_weight: 1 });
    expect(one.endpoints[0].lb_endpoints).to.have.length(2);

    const two = grpcLoadAssignment("backend", [
      { weight: 3, endpoints: [{ port: 1 }] },
      { weight: 1, endpoints: [{ port: 2 }] },
    ]) as Json;
    expect(checkResource(ENDPOINT_TYPE_URL, two)).to.deep.equal([]);
    const localities = two.endpoints.map((e: Json) => JSON.stringify(e.locality));
    expect(new Set(localities).size).to.equal(2);
    expect(two.endpoints.map((e: Json) => e.load_balancing_weight)).to.deep.equal([3, 1]);
  });

  it("refuses a locality weight gRPC would drop", () => {
    expect(() => grpcLoadAssignment("b", [{ weight: 0, endpoints: [{ port: 1 }] }])).to.throw(
      "localities[0].weight: expected an integer > 0",
    );
  });
});
