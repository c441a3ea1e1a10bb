// Resource TTLs in the reference server (xds_protocol "TTL"): "@ttl" in fixtures and snapshots, the
// hash that makes a TTL change a change, and the REST endpoint's long poll / 304 (REST-JSON polling).
import { expect } from "chai";
import { parseFixture } from "../fixtures/load.ts";
import { FixtureError } from "../fixtures/errors.ts";
import { CLUSTER_TYPE_URL } from "../proto/type-urls.ts";
import { edsCluster } from "./resources.ts";
import { RestEndpoint } from "./rest.ts";
import { ReferenceServer } from "./server.ts";
import { makeEntry } from "./snapshot.ts";
import { heartbeatIntervalMs, ttlDuration } from "./ttl.ts";

const fixture = (ttl: string) => `name: inline
resources:
  - "@type": type.googleapis.com/envoy.config.cluster.v3.Cluster
    "@ttl": ${ttl}
    name: backend
    type: STATIC
`;

describe("resource TTL", () => {
  it('reads "@ttl" next to "@type" and counts it in the hash', () => {
    const plain = makeEntry(CLUSTER_TYPE_URL, edsCluster("a"));
    const ttl = makeEntry(CLUSTER_TYPE_URL, { ...edsCluster("a"), "@ttl": "1.5s" });
    expect(ttl.ttlMs).to.equal(1500);
    expect(plain.ttlMs).to.equal(undefined);
    expect(ttl.hash).to.not.equal(plain.hash);
    expect(ttl.any.value).to.deep.equal(plain.any.value);
  });

  it('rejects a malformed "@ttl"', () => {
    expect(() => makeEntry(CLUSTER_TYPE_URL, { ...edsCluster("a"), "@ttl": "soon" })).to.throw(
      /CDS "a": "@ttl": expected a positive duration such as "1.5s", got "soon"/,
    );
  });

  it('accepts "@ttl" in fixtures and reports a bad one with its line', () => {
    expect(parseFixture(fixture('"2s"'), "x.yaml").resources[0]!.json["@ttl"]).to.equal("2s");
    try {
      parseFixture(fixture("two"), "x.yaml");
      expect.fail("expected a FixtureError");
    } catch (e) {
      expect(e).to.be.instanceOf(FixtureError);
      expect((e as Error).message).to.include(
        'resources[0].@ttl: expected a positive duration such as "1.5s", got "two"',
      );
    }
  });

  it("encodes durations and beats three times per TTL", () => {
    expect(ttlDuration(1500)).to.deep.equal({ seconds: 1n, nanos: 500_000_000 });
    expect(heartbeatIntervalMs(1000)).to.equal(333);
    expect(heartbeatIntervalMs(60)).to.equal(50);
  });
});

describe("REST-JSON endpoint", () => {
  const post = async (url: string, body: object) => {
    const r = await fetch(`${url}/v3/discovery:clusters`, { method: "POST", body: JSON.stringify(body) });
    const text = await r.text();
    return { status: r.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  };

  it("answers a behind client at once, holds an up-to-date one and answers 304 without a change", async () => {
    await using server = await new ReferenceServer().start();
    const rest = await new RestEndpoint(server, 200).start();
    try {
      await server.apply("n", { version: "v1", resources: [edsCluster("a")] });
      const node = { id: "n", cluster: "c" };
      const first = await post(rest.url, { node });
      expect(first.status).to.equal(200);
      expect(first.json?.version_info).to.equal("v1");
      const start = Date.now();
      const idle = await post(rest.url, { node, version_info: "v1", response_nonce: first.json?.nonce });
      expect(idle.status).to.equal(304);
      expect(Date.now() - start).to.be.at.least(150);
      const held = post(rest.url, { node, versionInfo: "v1" });
      await server.apply("n", { version: "v2", resources: [edsCluster("a", { connectTimeout: "2s" })] });
      const changed = await held;
      expect(changed.status).to.equal(200);
      expect(changed.json?.version_info).to.equal("v2");
    } finally {
      await rest.stop();
    }
  });
});
