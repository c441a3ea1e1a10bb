// Implementation versions for reports, read from what the harness pins (package.json, go.mod files)
// and from the Envoy binary itself.
import { readFileSync } from "node:fs";
import { envoyVersion, findEnvoy } from "../dataplanes/envoy-binary.ts";
import { REFERENCE_VERSION } from "../controlplanes/reference.ts";
import { CommandDataPlane } from "../dataplanes/command.ts";
import { DATA_PLANES } from "../dataplanes/registry.ts";
import { projectPath } from "../util/paths.ts";

function goModVersion(dir: string, module: string): string {
  try {
    const mod = readFileSync(projectPath("adapters", dir, "go.mod"), "utf8");
    return new RegExp(`${module.replace(/\./g, "\\.")} (v\\S+)`).exec(mod)?.[1] ?? "unknown";
  } catch {
    return "unknown";
  }
}

function npmVersion(pkg: string): string {
  try {
    return (
      JSON.parse(readFileSync(projectPath("node_modules", ...pkg.split("/"), "package.json"), "utf8")) as {
        version: string;
      }
    ).version;
  } catch {
    return "unknown";
  }
}

export async function implementationVersion(name: string): Promise<string> {
  switch (name) {
    case "envoy":
    case "envoy-container":
      return envoyVersion(findEnvoy()).catch(() => "unknown");
    case "command": {
      // The proxy the command definition names (XDSC_COMMAND_DATAPLANE, default: Envoy by command).
      const dp = DATA_PLANES.command!();
      return dp instanceof CommandDataPlane
        ? dp.describe().catch((e: Error) => `unknown (${e.message})`)
        : "unknown";
    }
    case "reference":
    case "kube-reference":
      return REFERENCE_VERSION;
    case "go-control-plane":
      return goModVersion("go-control-plane", "github.com/envoyproxy/go-control-plane");
    case "grpc-js":
      return `grpc-js-xds ${npmVersion("@grpc/grpc-js-xds")}`;
    case "grpc-go":
      return `grpc-go ${goModVersion("grpc-go-client", "google.golang.org/grpc")}`;
    default:
      return "unknown";
  }
}
