import { expect } from "chai";
import { randomUUID } from "node:crypto";
import type { StartedTestContainer } from "testcontainers";
import { freePort } from "../util/free-port.ts";
import { ensureDockerEngine } from "./docker-engine.ts";
import { envoyContainer } from "./envoy-container.ts";
import { ensureEnvoyImage } from "./envoy-image.ts";
import { managedContainers, removeLeftoverContainers } from "./session.ts";

// Tells this run's containers apart from those of other test processes sharing the engine.
const RUN_LABEL = "org.xdsc.test-run";
const runId = randomUUID();

function bootstrap(adminPort: number, listenerPort: number): string {
  return `
admin:
  address: { socket_address: { address: 127.0.0.1, port_value: ${adminPort} } }
static_resources:
  listeners:
    - name: ok
      address: { socket_address: { address: 127.0.0.1, port_value: ${listenerPort} } }
      filter_chains:
        - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: ok
                route_config:
                  virtual_hosts:
                    - name: all
                      domains: ["*"]
                      routes:
                        - match: { prefix: "/" }
                          direct_response: { status: 200, body: { inline_string: "ok" } }
                http_filters:
                  - name: envoy.filters.http.router
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
`;
}

const runContainers = () => managedContainers({ [RUN_LABEL]: runId });

/** Starts Envoy, hands it to `use` and always stops (and so removes) the container. */
async function withEnvoy(
  bootstrapYaml: string,
  adminPort: number,
  use: (envoy: StartedTestContainer) => Promise<void>,
): Promise<void> {
  const { tag } = await ensureEnvoyImage();
  const { container } = envoyContainer({
    image: tag,
    bootstrapYaml,
    adminPort,
    labels: { [RUN_LABEL]: runId },
  });
  const envoy = await container.start();
  try {
    await use(envoy);
  } finally {
    await envoy.stop({ timeout: 2_000 });
  }
}

describe("envoy container", function () {
  this.timeout(60_000);

  before(async function () {
    this.timeout(200_000);
    await ensureDockerEngine();
    await ensureEnvoyImage();
  });

  afterEach(async () => {
    // Leaks are bugs: assert none, after removing them so one failure does not cascade.
    const left = await removeLeftoverContainers({ [RUN_LABEL]: runId });
    expect(left, "containers left behind").to.deep.equal([]);
  });

  it("serves a direct response on a host-network listener", async () => {
    const [adminPort, listenerPort] = [await freePort(), await freePort()];
    await withEnvoy(bootstrap(adminPort, listenerPort), adminPort, async () => {
      const response = await fetch(`http://127.0.0.1:${listenerPort}/anything`);
      expect(response.status).to.equal(200);
      expect(await response.text()).to.equal("ok");
      expect(await runContainers()).to.have.length(1);
    });
  });

  it("removes the container when the code using it throws", async () => {
    const [adminPort, listenerPort] = [await freePort(), await freePort()];
    let thrown: unknown;
    try {
      await withEnvoy(bootstrap(adminPort, listenerPort), adminPort, async () => {
        throw new Error("boom");
      });
    } catch (error) {
      thrown = error;
    }
    expect(String(thrown)).to.contain("boom");
  });

  it("fails fast with Envoy's log when the bootstrap is invalid", async () => {
    const adminPort = await freePort();
    const started = Date.now();
    let thrown: unknown;
    try {
      await withEnvoy("admin: { nonsense: true }\n", adminPort, async () => {});
    } catch (error) {
      thrown = error;
    }
    expect(String(thrown))
      .to.match(/exit code 1/)
      .and.to.match(/nonsense/);
    expect(Date.now() - started).to.be.below(20_000);
  });
});
