// The smoke scenario of envoy-variants.test.ts through the other Envoy adapters: Envoy in a container and
// Envoy expressed as a command data plane (a bootstrap template plus a command definition, the way a
// vendor's proxy is certified). Each must ACK CDS, EDS, LDS and RDS v1 (asserted from the tap's
// transcript) and route traffic to both endpoints, in SotW ADS and delta ADS.
import { expect } from "chai";
import { Stack } from "../../harness/scenario/stack.ts";
import { variantName, type Variant } from "../../harness/scenario/variant.ts";
import type { DataPlaneBuilder, StartedDataPlane } from "../../harness/dataplanes/types.ts";
import { EnvoyContainer } from "../../harness/dataplanes/envoy-container.ts";
import { CommandDataPlane } from "../../harness/dataplanes/command.ts";
import { findEnvoy } from "../../harness/dataplanes/envoy-binary.ts";
import { ensureDockerEngine } from "../../harness/containers/docker-engine.ts";
import { ensureEnvoyImage } from "../../harness/containers/envoy-image.ts";
import { removeLeftoverContainers } from "../../harness/containers/session.ts";
import { projectPath } from "../../harness/util/paths.ts";
import {
  CLUSTER_TYPE_URL,
  ENDPOINT_TYPE_URL,
  LISTENER_TYPE_URL,
  ROUTE_TYPE_URL,
} from "../../harness/proto/type-urls.ts";
import { runFixedCount, summarize } from "../../harness/traffic/load-driver.ts";
import { smokeResources } from "./support.ts";

const ADS_VARIANTS: Variant[] = [
  { transport: "sotw", mode: "ads" },
  { transport: "delta", mode: "ads" },
];

const ENVOY_COMMAND_DEFINITION = projectPath("fixtures", "dataplanes", "envoy-command.dataplane.yaml");

const ADAPTERS: { name: string; builder: () => DataPlaneBuilder }[] = [
  { name: "envoy-container", builder: () => new EnvoyContainer().withLogLevel("warning") },
  {
    name: "command-envoy",
    builder: () => CommandDataPlane.fromFile(ENVOY_COMMAND_DEFINITION).withVars({ envoyBin: findEnvoy() }),
  },
];

async function smoke(stack: Stack, dp: StartedDataPlane, variant: Variant): Promise<void> {
  for (const t of [CLUSTER_TYPE_URL, ENDPOINT_TYPE_URL, LISTENER_TYPE_URL, ROUTE_TYPE_URL]) {
    await stack.tap.waitForAck(t, "v1", 15_000, stack.node.id);
  }
  await dp.waitForReady({ timeoutMs: 15_000 });
  expect([...new Set(stack.tap.entries().map((e) => e.kind))]).to.deep.equal([variant.transport]);
  const address = await dp.listenerAddress("ingress", { timeoutMs: 5_000 });
  expect(address).to.equal(`127.0.0.1:${stack.listenerPorts.get("ingress")}`);
  const dump = JSON.stringify(await dp.getAdmin!().configDump());
  for (const name of ['"backend"', '"ingress"', '"local"']) expect(dump).to.include(name);
  const records = await runFixedCount({
    url: `http://${address}/`,
    count: 40,
    concurrency: 2,
    timeoutMs: 5000,
  });
  const summary = summarize(records);
  expect(summary.losses, JSON.stringify(summary)).to.equal(0);
  expect(Object.keys(summary.byBackend).sort()).to.deep.equal(["v1", "v2"]);
}

describe("e2e: the smoke scenario through the container and command adapters", function () {
  this.timeout(60_000);

  before(async function () {
    this.timeout(200_000);
    await ensureDockerEngine();
    await ensureEnvoyImage();
  });

  afterEach(async () => {
    expect(await removeLeftoverContainers(), "containers left behind").to.deep.equal([]);
  });

  for (const adapter of ADAPTERS) {
    for (const variant of ADS_VARIANTS) {
      it(`${adapter.name}, ${variantName(variant)}: ACKs CDS, EDS, LDS, RDS and routes to both endpoints`, async () => {
        await using stack = await Stack.start({
          variant,
          backends: [{ name: "v1" }, { name: "v2" }],
          listeners: ["ingress"],
        });
        await stack.apply("v1", smokeResources(stack));
        const dp = await stack.startDataPlane(adapter.builder());
        expect(dp.name).to.equal(adapter.name);
        expect(dp.version).to.match(/^1\.\d+\.\d+/);
        await smoke(stack, dp, variant);
      });
    }
  }
});
