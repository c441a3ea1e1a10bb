// Real Envoy against go-control-plane (built from adapters/go-control-plane) through the tap: the
// harness pushes the smoke snapshot through the adapter API, Envoy ACKs CDS, EDS, LDS and RDS of v1
// (asserted from the transcript) and traffic reaches both endpoints.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { GoControlPlane, buildGoControlPlane } from "../../harness/controlplanes/go-control-plane.ts";
import { rewriteConfigSources } from "../../harness/dataplanes/config-source.ts";
import { EnvoyProcess } from "../../harness/dataplanes/envoy-process.ts";
import type { XdsClientConfig } from "../../harness/dataplanes/types.ts";
import {
  CLUSTER_TYPE_URL,
  ENDPOINT_TYPE_URL,
  LISTENER_TYPE_URL,
  ROUTE_TYPE_URL,
} from "../../harness/proto/type-urls.ts";
import { GRPC_VARIANTS, variantName } from "../../harness/scenario/variant.ts";
import { Tap } from "../../harness/tap/tap.ts";
import { EchoBackend } from "../../harness/traffic/echo-backend.ts";
import { runFixedCount, summarize } from "../../harness/traffic/load-driver.ts";
import { freePort } from "../../harness/util/free-port.ts";
import { edsCluster, httpListener, loadAssignment, routeConfig } from "../../harness/xds/resources.ts";

describe("e2e: real Envoy against go-control-plane", function () {
  this.timeout(60_000);
  let binary: string;

  before(async function () {
    this.timeout(15 * 60_000); // a cold build compiles go-control-plane and grpc-go
    binary = await buildGoControlPlane();
  });

  for (const variant of GRPC_VARIANTS) {
    it(`${variantName(variant)}: ACKs CDS, EDS, LDS and RDS and routes to both endpoints`, async () => {
      const cleanups: (() => Promise<unknown>)[] = [];
      try {
        const v1 = await new EchoBackend("v1").start();
        cleanups.push(() => v1.stop());
        const v2 = await new EchoBackend("v2").start();
        cleanups.push(() => v2.stop());
        const cp = await new GoControlPlane().withBinary(binary).start();
        cleanups.push(() => cp.stop());
        expect(cp.features).to.include.members([variant.transport, variant.mode]);
        const tap = await new Tap(cp.address).start();
        cleanups.push(() => tap.stop());

        const node = { id: `xdsc-${randomBytes(4).toString("hex")}`, cluster: "xdsc" };
        const xds: XdsClientConfig = { address: tap.address, ...variant, initialFetchTimeoutMs: 0 };
        const listenerPort = await freePort();
        const resources = [
          edsCluster("backend"),
          loadAssignment("backend", [{ port: v1.port }, { port: v2.port }]),
          httpListener("ingress", listenerPort, "local"),
          routeConfig("local", "backend"),
        ].map((r) => rewriteConfigSources(r, xds));
        await cp.apply(node.id, { version: "v1", resources });

        const envoy = await new EnvoyProcess().withNode(node).withXds(xds).start();
        cleanups.push(() => envoy.stop());
        for (const t of [CLUSTER_TYPE_URL, ENDPOINT_TYPE_URL, LISTENER_TYPE_URL, ROUTE_TYPE_URL]) {
          await tap.waitForAck(t, "v1", 15_000, node.id);
        }
        await envoy.waitForReady({ timeoutMs: 15_000 });
        expect(tap.entries().filter((e) => e.classification === "nack")).to.deep.equal([]);
        expect(new Set(tap.entries().map((e) => e.kind))).to.deep.equal(new Set([variant.transport]));
        const methods = new Set(tap.entries().map((e) => e.method.split("/")[1]));
        expect(methods.size).to.equal(variant.mode === "ads" ? 1 : 4);

        const records = await runFixedCount({
          url: `http://127.0.0.1:${listenerPort}/`,
          count: 40,
          concurrency: 2,
          timeoutMs: 5000,
        });
        const summary = summarize(records);
        expect(summary.losses, JSON.stringify(summary)).to.equal(0);
        expect(Object.keys(summary.byBackend).sort()).to.deep.equal(["v1", "v2"]);
      } finally {
        for (const c of cleanups.reverse()) await c().catch(() => undefined);
      }
    });
  }

  it("refuses an inconsistent snapshot with go-control-plane's reason", async () => {
    await using cp = await new GoControlPlane().withBinary(binary).withOrderedAds().start();
    expect(cp.features).to.include("ordered-ads");
    expect(cp.version).to.match(/^v\d+\.\d+\.\d+/);
    const err = await cp
      .apply("node-x", { version: "v1", resources: [edsCluster("backend")] })
      .catch((e: Error) => e);
    expect((err as Error).message).to.match(
      /go-control-plane: expected to accept snapshot "v1" for node "node-x".*FAILED_PRECONDITION: .*not consistent/,
    );
  });
});
