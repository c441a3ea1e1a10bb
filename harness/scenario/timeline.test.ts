import { expect } from "chai";
import { CLUSTER_TYPE_URL as CDS, ENDPOINT_TYPE_URL as EDS } from "../proto/type-urls.ts";
import type { JsonObject } from "../proto/codec.ts";
import { expectedEndpoints } from "./timeline.ts";

const lb = (n: number) => ({ lb_endpoints: Array.from({ length: n }, () => ({})) });

describe("scenario/timeline expectedEndpoints (wait: cluster-warm)", () => {
  it("counts every endpoint of the cluster's ClusterLoadAssignment, across localities", () => {
    const state: JsonObject[] = [
      { "@type": CDS, name: "web", type: "EDS" },
      { "@type": EDS, cluster_name: "web", endpoints: [lb(2), lb(1)] },
      { "@type": EDS, cluster_name: "other", endpoints: [lb(5)] },
    ];
    expect(expectedEndpoints(state, "web")).to.equal(3);
  });

  it("follows eds_cluster_config.service_name, and reads an inline load_assignment", () => {
    const state: JsonObject[] = [
      { "@type": CDS, name: "web", eds_cluster_config: { service_name: "web-v2" } },
      { "@type": EDS, cluster_name: "web", endpoints: [lb(9)] },
      { "@type": EDS, cluster_name: "web-v2", endpoints: [lb(2)] },
      {
        "@type": CDS,
        name: "static",
        type: "STATIC",
        load_assignment: { cluster_name: "static", endpoints: [lb(4)] },
      },
    ];
    expect(expectedEndpoints(state, "web")).to.equal(2);
    expect(expectedEndpoints(state, "static")).to.equal(4);
  });

  it("is undefined when the state does not say (the wait then needs one endpoint)", () => {
    expect(expectedEndpoints([{ "@type": CDS, name: "web", type: "EDS" }], "web")).to.equal(undefined);
    expect(expectedEndpoints([], "web")).to.equal(undefined);
  });
});
