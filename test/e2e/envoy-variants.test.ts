// Real Envoy against the reference server through the tap, in every gRPC variant: Envoy ACKs CDS, EDS,
// LDS and RDS (asserted from the transcript), its admin API shows the config, and traffic reaches both
// endpoints.
import { expect } from "chai";
import { Stack } from "../../harness/scenario/stack.ts";
import { GRPC_VARIANTS, variantName } from "../../harness/scenario/variant.ts";
import { smokeResources } from "./support.ts";
import {
  CLUSTER_TYPE_URL,
  ENDPOINT_TYPE_URL,
  LISTENER_TYPE_URL,
  ROUTE_TYPE_URL,
} from "../../harness/proto/type-urls.ts";
import { runFixedCount, summarize } from "../../harness/traffic/load-driver.ts";

describe("e2e: real Envoy in every gRPC variant", function () {
  this.timeout(60_000);
  for (const variant of GRPC_VARIANTS) {
    it(`${variantName(variant)}: ACKs CDS, EDS, LDS and RDS and routes to both endpoints`, async () => {
      await using stack = await Stack.start({
        variant,
        backends: [{ name: "v1" }, { name: "v2" }],
        listeners: ["ingress"],
      });
      await stack.apply("v1", smokeResources(stack));
      const envoy = await stack.startEnvoy();
      for (const t of [CLUSTER_TYPE_URL, ENDPOINT_TYPE_URL, LISTENER_TYPE_URL, ROUTE_TYPE_URL]) {
        await stack.tap.waitForAck(t, "v1", 15_000, stack.node.id);
      }
      await envoy.waitForReady({ timeoutMs: 15_000 });
      const kinds = new Set(stack.tap.entries().map((e) => e.kind));
      expect([...kinds]).to.deep.equal([variant.transport]);
      const methods = new Set(stack.tap.entries().map((e) => e.method.split("/")[1]));
      expect(methods.size).to.equal(variant.mode === "ads" ? 1 : 4);

      const dump = JSON.stringify(await envoy.admin.configDump());
      for (const name of ['"backend"', '"ingress"', '"local"']) expect(dump).to.include(name);
      const records = await runFixedCount({
        url: stack.url("ingress"),
        count: 40,
        concurrency: 2,
        timeoutMs: 5000,
      });
      const summary = summarize(records);
      expect(summary.losses, JSON.stringify(summary)).to.equal(0);
      expect(Object.keys(summary.byBackend).sort()).to.deep.equal(["v1", "v2"]);
      expect(stack.backends.get("v1")!.getCount() + stack.backends.get("v2")!.getCount()).to.equal(40);
    });
  }
});
