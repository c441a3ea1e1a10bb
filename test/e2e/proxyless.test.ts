// gRPC proxyless clients (grpc-js, grpc-go) against the reference server through the tap: the smoke
// scenario as gRPC sees it (API listener "ingress" → RDS "local" → EDS cluster "backend" with two gRPC
// echo backends). Each client ACKs LDS, RDS, CDS and EDS version v1 (asserted from the transcript), on
// one SotW ADS stream, and its RPCs reach both backends (round robin). Each client also NACKs an EDS
// locality without a locality, the evidence behind that entry of PROXYLESS_CONSTRAINTS.
import { expect } from "chai";
import { buildGrpcGoClient, GrpcGoClient } from "../../harness/dataplanes/grpc-go.ts";
import { GrpcJsClient } from "../../harness/dataplanes/grpc-js.ts";
import type { ProxylessClientBuilder } from "../../harness/dataplanes/proxyless-process.ts";
import type { JsonObject } from "../../harness/proto/codec.ts";
import {
  CLUSTER_TYPE_URL,
  ENDPOINT_TYPE_URL,
  LISTENER_TYPE_URL,
  ROUTE_TYPE_URL,
} from "../../harness/proto/type-urls.ts";
import { Tap } from "../../harness/tap/tap.ts";
import { GrpcEchoBackend, type StartedGrpcEchoBackend } from "../../harness/traffic/grpc-echo-backend.ts";
import { summarize } from "../../harness/traffic/traffic-summary.ts";
import { apiListener, grpcLoadAssignment, grpcRouteConfig } from "../../harness/xds/grpc-resources.ts";
import { edsCluster, loadAssignment } from "../../harness/xds/resources.ts";
import { ReferenceServer } from "../../harness/xds/server.ts";

const CLIENTS: { name: string; builder: () => Promise<ProxylessClientBuilder> }[] = [
  { name: "grpc-js", builder: async () => new GrpcJsClient() },
  { name: "grpc-go", builder: async () => new GrpcGoClient().withBinary(await buildGrpcGoClient()) },
];

/** Two echo backends, the reference server and the tap; stop() stops them in reverse order. */
async function startTopology() {
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch(() => undefined);
  };
  try {
    const backends: StartedGrpcEchoBackend[] = [];
    for (const name of ["v1", "v2"]) {
      const backend = await new GrpcEchoBackend(name).start();
      stops.push(() => backend.stop());
      backends.push(backend);
    }
    const server = await new ReferenceServer().start();
    stops.push(() => server.stop());
    const tap = await new Tap(server.address).start();
    stops.push(() => tap.stop());
    return { v1: backends[0]!, v2: backends[1]!, server, tap, [Symbol.asyncDispose]: stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function smoke(eds: JsonObject): JsonObject[] {
  return [edsCluster("backend"), eds, apiListener("ingress", "local"), grpcRouteConfig("local", "backend")];
}

describe("e2e: gRPC proxyless clients", function () {
  this.timeout(60_000);

  before(async function () {
    // A cold grpc-go build takes about 70 s on 2 cores; afterwards it is a cache hit.
    this.timeout(300_000);
    await buildGrpcGoClient();
  });

  for (const { name, builder } of CLIENTS) {
    it(`${name}: ACKs LDS, RDS, CDS and EDS over SotW ADS and round-robins over both backends`, async () => {
      await using topo = await startTopology();
      const { v1, v2, server, tap } = topo;
      const node = { id: `xdsc-${name}-smoke`, cluster: "xdsc" };
      await server.apply(node.id, {
        version: "v1",
        resources: smoke(grpcLoadAssignment("backend", [{ port: v1.port }, { port: v2.port }])),
      });
      await using client = await (
        await builder()
      )
        .withNode(node)
        .withXds({ address: tap.address, transport: "sotw", mode: "ads" })
        .withTarget("ingress")
        .start();
      expect(client.name).to.equal(name);
      expect(client.version).to.match(/\d+\.\d+\.\d+/);

      await client.waitForReady({ timeoutMs: 15_000 });
      for (const t of [LISTENER_TYPE_URL, ROUTE_TYPE_URL, CLUSTER_TYPE_URL, ENDPOINT_TYPE_URL]) {
        await tap.waitForAck(t, "v1", 15_000, node.id);
      }
      const entries = tap.entries();
      expect(entries.filter((e) => e.classification === "nack")).to.deep.equal([]);
      expect(new Set(entries.map((e) => e.kind))).to.deep.equal(new Set(["sotw"]));
      expect(new Set(entries.map((e) => e.method.split("/")[1]))).to.deep.equal(
        new Set(["envoy.service.discovery.v3.AggregatedDiscoveryService"]),
      );

      const records = await client.sendRpcs({ count: 20, timeoutMs: 5000 });
      const summary = summarize(records);
      expect(summary.losses, JSON.stringify(records.filter((r) => r.status !== 200))).to.equal(0);
      expect(records.map((r) => r.seq)).to.deep.equal([...Array(20).keys()]);
      expect(Object.keys(summary.byBackend).sort()).to.deep.equal(["v1", "v2"]);
      expect(v1.getCount() + v2.getCount()).to.equal(20);
      // Round robin over two ready endpoints: strictly alternating once both are connected.
      const last = records.slice(-10).map((r) => r.backend);
      for (let i = 1; i < last.length; i++)
        expect(last[i], `backends ${last.join(",")}`).not.to.equal(last[i - 1]);

      // Open loop: RPC n is scheduled at start + n/rate, whatever earlier RPCs take.
      const paced = await client.sendRpcs({ count: 10, ratePerSec: 100, timeoutMs: 5000 });
      expect(summarize(paced).losses).to.equal(0);
      const spanMs = paced.at(-1)!.scheduledAt - paced[0]!.scheduledAt;
      expect(spanMs).to.be.closeTo(90, 1);

      const notApplicable = await client.listenerAddress("ingress").catch((e: Error) => e.message);
      expect(notApplicable).to.include("not applicable");
    });

    it(`${name}: NACKs EDS whose LocalityLbEndpoints has no locality, and never becomes ready`, async () => {
      await using topo = await startTopology();
      const { v1, server, tap } = topo;
      const node = { id: `xdsc-${name}-no-locality`, cluster: "xdsc" };
      await server.apply(node.id, {
        version: "v1",
        resources: smoke(loadAssignment("backend", [{ port: v1.port }])),
      });
      await using client = await (
        await builder()
      )
        .withNode(node)
        .withXds({ address: tap.address, transport: "sotw", mode: "ads" })
        .start();
      const nack = await tap.waitFor(
        (e) => e.classification === "nack" && e.typeUrl === ENDPOINT_TYPE_URL && e.nodeId === node.id,
        `NACK of EDS from node "${node.id}"`,
        15_000,
      );
      expect(nack.errorDetail?.message).to.match(/locality/i);
      const notReady = await client.waitForReady({ timeoutMs: 500 }).then(
        () => "ready",
        (e: Error) => e.message,
      );
      expect(notReady).to.match(/expected READY within 500ms, got (CONNECTING|TRANSIENT_FAILURE)/);
    });
  }
});
