import { expect } from "chai";
import { ReferenceServer } from "./server.ts";
import { ScriptedClient } from "./scripted-client.ts";
import { edsCluster, httpListener, loadAssignment, routeConfig } from "./resources.ts";
import {
  CLUSTER_TYPE_URL,
  ENDPOINT_TYPE_URL,
  LISTENER_TYPE_URL,
  ROUTE_TYPE_URL,
} from "../proto/type-urls.ts";
import { decodeResource } from "../proto/codec.ts";

const node = { id: "n1", cluster: "test" };
const v1 = {
  version: "v1",
  resources: [
    edsCluster("a"),
    loadAssignment("a", [{ port: 9001 }]),
    httpListener("l", 10001, "r"),
    routeConfig("r", "a"),
  ],
};
const v2 = {
  version: "v2",
  resources: [
    edsCluster("b"),
    loadAssignment("b", [{ port: 9002 }]),
    httpListener("l", 10001, "r"),
    routeConfig("r", "b"),
  ],
};
const names = (r: { resources: { value: Uint8Array; typeUrl: string }[] }) =>
  r.resources.map((a) => {
    const j = decodeResource(a.typeUrl, a.value);
    return (j.name ?? j.cluster_name) as string;
  });

describe("reference server (scripted client)", () => {
  let server: ReferenceServer;
  let client: ScriptedClient;
  beforeEach(async () => {
    server = await new ReferenceServer({ ackTimeoutMs: 2000 }).start();
    client = new ScriptedClient(server.address);
  });
  afterEach(async () => {
    client.close();
    await server.stop();
  });

  it("SotW ADS: serves CDS by wildcard and EDS by name; owes no response to an ACK", async () => {
    await server.apply("n1", v1);
    const s = client.sotw();
    s.send({ node, typeUrl: CLUSTER_TYPE_URL });
    const cds = await s.next();
    expect([cds.typeUrl, cds.versionInfo, names(cds)]).to.deep.equal([CLUSTER_TYPE_URL, "v1", ["a"]]);
    s.send({ node, typeUrl: CLUSTER_TYPE_URL, versionInfo: "v1", responseNonce: cds.nonce });
    s.send({ node, typeUrl: ENDPOINT_TYPE_URL, resourceNames: ["a", "missing"] });
    const eds = await s.next();
    expect([eds.typeUrl, names(eds)]).to.deep.equal([ENDPOINT_TYPE_URL, ["a"]]);
    s.send({
      node,
      typeUrl: ENDPOINT_TYPE_URL,
      versionInfo: "v1",
      responseNonce: eds.nonce,
      resourceNames: ["a"],
    });
    expect(await s.silentFor(300)).to.equal(true);
    s.close();
  });

  it("make-before-break: adds CDS→EDS→LDS→RDS, waiting for ACKs, then removes the old cluster", async () => {
    await server.apply("n1", v1);
    const s = client.sotw();
    const ack = async () => {
      const r = await s.next();
      const typeNames =
        r.typeUrl === ENDPOINT_TYPE_URL ? ["a", "b"] : r.typeUrl === ROUTE_TYPE_URL ? ["r"] : [];
      s.send({
        node,
        typeUrl: r.typeUrl,
        versionInfo: r.versionInfo,
        responseNonce: r.nonce,
        resourceNames: typeNames,
      });
      return `${r.typeUrl.split(".").pop()}:${r.versionInfo}:${names(r).join("+")}`;
    };
    s.send({ node, typeUrl: CLUSTER_TYPE_URL });
    s.send({ node, typeUrl: LISTENER_TYPE_URL });
    s.send({ node, typeUrl: ENDPOINT_TYPE_URL, resourceNames: ["a", "b"] });
    s.send({ node, typeUrl: ROUTE_TYPE_URL, resourceNames: ["r"] });
    const initial = [await ack(), await ack(), await ack(), await ack()];
    expect(initial.sort()).to.have.length(4);
    const applied = server.apply("n1", v2);
    const seen = [];
    for (let i = 0; i < 5; i++) seen.push(await ack());
    const result = await applied;
    expect(seen).to.deep.equal([
      "Cluster:v2+add:a+b",
      "ClusterLoadAssignment:v2+add:a+b",
      "RouteConfiguration:v2:r",
      "Cluster:v2:b",
      "ClusterLoadAssignment:v2:b",
    ]);
    // On ADS a CDS step does not wait for the ACK (Envoy holds it until the clusters warmed); this client
    // already subscribed to the EDS names, so the step goes on at once. EDS and RDS wait for their ACKs.
    expect(result.steps.map((x) => x.outcome)).to.deep.equal(["sent", "acked", "acked", "sent", "acked"]);
    s.close();
  });

  it("does not resend a NACKed version, and reports the NACK", async () => {
    await server.apply("n1", v1);
    const requests: string[] = [];
    server.on("request", (e) => requests.push(e.classification));
    const s = client.sotw();
    s.send({ node, typeUrl: CLUSTER_TYPE_URL });
    const r = await s.next();
    s.send({
      node,
      typeUrl: CLUSTER_TYPE_URL,
      responseNonce: r.nonce,
      errorDetail: { code: 3, message: "bad" },
    });
    expect(await s.silentFor(300)).to.equal(true);
    expect(requests).to.deep.equal(["initial", "nack"]);
  });

  it("ignores a request with a stale nonce", async () => {
    await server.apply("n1", v1);
    const s = client.sotw();
    s.send({ node, typeUrl: CLUSTER_TYPE_URL });
    await s.next();
    const classes: string[] = [];
    server.on("request", (e) => classes.push(e.classification));
    s.send({ node, typeUrl: CLUSTER_TYPE_URL, responseNonce: "does-not-exist", resourceNames: [] });
    expect(await s.silentFor(200)).to.equal(true);
    expect(classes).to.deep.equal(["stale"]);
  });

  it("delta: sends only what differs from initial_resource_versions, and removed_resources", async () => {
    await server.apply("n1", v1);
    const hashOfA = server.served("n1")!.get(CLUSTER_TYPE_URL)!.entries.get("a")!.hash;
    const d = client.delta();
    d.send({ node, typeUrl: CLUSTER_TYPE_URL, initialResourceVersions: { a: hashOfA, gone: "x" } });
    const first = await d.next();
    expect(first.resources).to.have.length(0);
    expect(first.removedResources).to.deep.equal(["gone"]);
    d.send({ node, typeUrl: CLUSTER_TYPE_URL, responseNonce: first.nonce });
    const applied = server.apply("n1", v2, "as-given");
    const next = await d.next();
    expect(next.resources.map((r) => r.name)).to.deep.equal(["b"]);
    expect(next.removedResources).to.deep.equal(["a"]);
    await applied;
    d.close();
  });
});
