// grpc-go as a proxyless data plane: the small Go program in adapters/grpc-go-client, built once per
// content by scripts/build-go.sh into the build cache (a cold build compiles grpc-go and its xDS stack:
// about 70 s on 2 cores). See proxyless.ts for what gRPC clients support and require.
//
//   const binary = await buildGrpcGoClient();          // cached; call it in a before() hook with a long timeout
//   await using client = await new GrpcGoClient().withBinary(binary).withNode(node).withXds(xds).start();
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { projectPath } from "../util/paths.ts";
import { ProxylessClientBuilder, type ClientCommand } from "./proxyless-process.ts";

const run = promisify(execFile);

/** Builds (or reuses) the grpc-go client binary and returns its absolute path. */
export async function buildGrpcGoClient(): Promise<string> {
  try {
    const { stdout } = await run(
      "bash",
      [projectPath("scripts", "build-go.sh"), projectPath("adapters", "grpc-go-client")],
      {
        cwd: projectPath(),
        maxBuffer: 16 << 20,
      },
    );
    return stdout.trim().split("\n").at(-1)!;
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(
      `grpc-go: expected scripts/build-go.sh adapters/grpc-go-client to build, got ${message}\n${stderr ?? ""}`,
    );
  }
}

export class GrpcGoClient extends ProxylessClientBuilder {
  private binary: string | undefined;

  constructor() {
    super("grpc-go");
  }

  /** A prebuilt client binary (default: buildGrpcGoClient() at start). */
  withBinary(path: string): this {
    this.binary = path;
    return this;
  }

  protected async command(): Promise<ClientCommand> {
    return { command: this.binary ?? (await buildGrpcGoClient()), args: [], controlFlag: "-control" };
  }
}
