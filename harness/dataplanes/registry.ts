// Data plane adapters by the names used on the command line and in reports. Adding an implementation is
// one adapter file plus one line here.
import { projectPath } from "../util/paths.ts";
import { findEnvoy } from "./envoy-binary.ts";
import { CommandDataPlane } from "./command.ts";
import { EnvoyContainer } from "./envoy-container.ts";
import { EnvoyProcess } from "./envoy-process.ts";
import { GrpcGoClient } from "./grpc-go.ts";
import { GrpcJsClient } from "./grpc-js.ts";
import { PROXYLESS_VARIANTS } from "./proxyless.ts";
import type { DataPlaneBuilder } from "./types.ts";

export const DATA_PLANES: Record<string, () => DataPlaneBuilder> = {
  envoy: () => new EnvoyProcess(),
  "envoy-container": () => new EnvoyContainer(),
  // Any proxy by command: XDSC_COMMAND_DATAPLANE names its definition (default: Envoy expressed that way).
  command: () =>
    process.env.XDSC_COMMAND_DATAPLANE
      ? CommandDataPlane.fromFile(process.env.XDSC_COMMAND_DATAPLANE)
      : CommandDataPlane.fromFile(
          projectPath("fixtures", "dataplanes", "envoy-command.dataplane.yaml"),
        ).withVars({
          envoyBin: findEnvoy(),
        }),
  "grpc-js": () => new GrpcJsClient(),
  "grpc-go": () => new GrpcGoClient(),
};

/** Proxyless gRPC clients: no listener, no admin API; they send RPCs themselves. */
export const PROXYLESS: ReadonlySet<string> = new Set(Object.keys(PROXYLESS_VARIANTS));

export function dataPlaneBuilder(name: string): DataPlaneBuilder {
  const make = DATA_PLANES[name];
  if (!make) throw new Error(`data plane "${name}": unknown (known: ${Object.keys(DATA_PLANES).join(", ")})`);
  return make();
}
