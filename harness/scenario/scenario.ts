// From a fixture to a running scenario: start what the fixture declares (backends, listener ports),
// render its templates with the allocated values, serve its initial state, start the data plane and
// wait until it has ACKed that state.
import type { Fixture } from "../fixtures/types.ts";
import { renderFixture } from "../fixtures/render.ts";
import type { ReferenceServerOptions } from "../xds/server.ts";
import { Stack } from "./stack.ts";
import { dataPlaneBuilder } from "../dataplanes/registry.ts";
import { EnvoyBuilder } from "../dataplanes/envoy-builder.ts";
import type { DataPlaneBuilder } from "../dataplanes/types.ts";
import type { Variant } from "./variant.ts";

export interface ScenarioOptions {
  variant: Variant;
  /** Data plane by name (harness/dataplanes/registry.ts); default "envoy". */
  dataPlane?: string;
  /** Control plane by name; default "reference". */
  controlPlane?: string;
  server?: ReferenceServerOptions;
  transcriptPath?: string;
  /** Wait for the initial state to be ACKed and Envoy to be LIVE (default true). */
  waitReady?: boolean;
  timeoutMs?: number;
}

export interface Scenario {
  stack: Stack;
  /** The fixture with every template substituted. */
  fixture: Fixture;
}

export async function startScenario(fixture: Fixture, opts: ScenarioOptions): Promise<Scenario> {
  const stack = await Stack.start({
    variant: opts.variant,
    backends: fixture.backends.map((b) => ({
      name: b.name,
      protocol: b.protocol === "http2" ? "h2c" : b.protocol,
    })),
    listeners: fixture.listeners,
    controlPlane: opts.controlPlane,
    // The fixture's own control-plane behaviour (a repro's buggy policy), unless the caller overrides it.
    server: { ...fixture.controlPlane, ...opts.server },
    transcriptPath: opts.transcriptPath,
    node: {
      cluster: fixture.node.cluster,
      ...(fixture.node.locality ? { locality: fixture.node.locality } : {}),
    },
  });
  try {
    const rendered = renderFixture(fixture, stack.vars());
    await stack.apply(
      rendered.version,
      rendered.resources.map((r) => r.json),
    );
    const dp = await stack.startDataPlane(withFixtureSettings(fixture, opts.dataPlane ?? "envoy"));
    if (opts.waitReady !== false) {
      await stack.waitForAcked(rendered.version, opts.timeoutMs ?? 15_000);
      await dp.waitForReady({ timeoutMs: opts.timeoutMs ?? 15_000 });
    }
    return { stack, fixture: rendered };
  } catch (e) {
    await stack.stop();
    throw e;
  }
}

/** The data plane's builder with the fixture's data_plane settings applied (they need Envoy). */
function withFixtureSettings(fixture: Fixture, name: string): DataPlaneBuilder {
  const builder = dataPlaneBuilder(name);
  const drain = fixture.dataPlane?.drain_time_s;
  if (drain === undefined) return builder;
  if (!(builder instanceof EnvoyBuilder))
    throw new Error(
      `${fixture.file}: data_plane.drain_time_s: expected an Envoy data plane (envoy, envoy-container), got "${name}"`,
    );
  return builder.withArgs("--drain-time-s", String(drain));
}
