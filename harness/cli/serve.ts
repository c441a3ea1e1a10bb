// `xdsc serve --fixture F`: the reference server for humans — serves a fixture's initial state to every
// node, with its backends started and its listener ports allocated, until Ctrl-C.
import { loadFixture } from "../fixtures/load.ts";
import { renderFixture } from "../fixtures/render.ts";
import { EchoBackend, type StartedEchoBackend } from "../traffic/echo-backend.ts";
import { freePort } from "../util/free-port.ts";
import { registerCleanup } from "../util/reaper.ts";
import { ANY_NODE, ReferenceServer } from "../xds/server.ts";
import { RestEndpoint } from "../xds/rest.ts";
import type { PolicyName } from "../xds/ordering.ts";

export interface ServeOptions {
  fixture: string;
  port: number;
  policy?: PolicyName;
  faults: string[];
}

export async function serve(o: ServeOptions): Promise<void> {
  const fixture = loadFixture(o.fixture);
  const backends: StartedEchoBackend[] = [];
  const server = new ReferenceServer({
    policy: o.policy ?? fixture.controlPlane?.policy,
    faults: [...(fixture.controlPlane?.faults ?? []), ...o.faults],
  });
  const rest = new RestEndpoint(server);
  const stop = async () => {
    await rest.stop();
    await server.stop();
    for (const b of backends) await b.stop();
  };
  registerCleanup(stop);
  for (const b of fixture.backends)
    backends.push(
      await new EchoBackend(b.name).withProtocol(b.protocol === "http2" ? "h2c" : "http1").start(),
    );
  const listeners = Object.fromEntries(
    await Promise.all(fixture.listeners.map(async (l) => [l, { port: await freePort() }] as const)),
  );
  const rendered = renderFixture(fixture, {
    backends: Object.fromEntries(backends.map((b) => [b.name, { port: b.port, address: "127.0.0.1" }])),
    listeners,
    nodeId: ANY_NODE,
  });
  await server.start(o.port);
  await rest.start();
  await server.apply(ANY_NODE, {
    version: rendered.version,
    resources: rendered.resources.map((r) => r.json),
  });
  server.on("request", (e) =>
    process.stdout.write(
      `${new Date(e.at).toISOString()} ${e.nodeId || "?"} ${e.typeUrl.split(".").pop()} ${e.classification}${e.errorDetail ? `: ${e.errorDetail.message}` : ""}\n`,
    ),
  );
  process.stdout.write(
    [
      `xdsc serve: ${fixture.name} version ${rendered.version} (${rendered.resources.length} resources, policy ${server.policy})`,
      `  xDS (gRPC, ADS and per-type, SotW and delta): ${server.address}`,
      `  REST-JSON: ${rest.url}/v3/discovery:<type>`,
      ...backends.map((b) => `  backend ${b.name}: ${b.address}`),
      ...Object.entries(listeners).map(
        ([l, { port }]) => `  listener ${l}: 127.0.0.1:${port} (once a data plane binds it)`,
      ),
      "Ctrl-C to stop.",
      "",
    ].join("\n"),
  );
  await new Promise(() => undefined);
}
