import { expect } from "chai";
import { specUrl } from "./spec-url.ts";

const DOCS = "https://www.envoyproxy.io/docs/envoy/latest/api-docs/xds_protocol";

describe("report/spec-url", () => {
  it("links an xds_protocol section, keeping only the anchor (not a note or further references)", () => {
    expect(specUrl("xds_protocol#nack")).to.equal(`${DOCS}#nack`);
    expect(specUrl("xds_protocol#duplicate-resource-names (clients should NACK them)")).to.equal(
      `${DOCS}#duplicate-resource-names`,
    );
    expect(specUrl("xds_protocol#nack; xds_protocol#ack-and-nack-semantics-summary")).to.equal(
      `${DOCS}#nack`,
    );
    expect(specUrl("xds_protocol#ttl, discovery.proto Resource.ttl")).to.equal(`${DOCS}#ttl`);
  });

  it("links discovery.proto and URLs, and leaves other text unlinked", () => {
    expect(specUrl("discovery.proto DiscoveryRequest.version_info")).to.match(
      /discovery\/v3\/discovery\.proto$/,
    );
    expect(specUrl("https://kubernetes.io/docs/x (note)")).to.equal("https://kubernetes.io/docs/x");
    expect(specUrl("Kubernetes Service docs")).to.equal(undefined);
  });
});
