// grpc-js as a proxyless data plane: a Node child process (grpc-client-process/main.ts, run through tsx)
// that uses @grpc/grpc-js-xds. See proxyless.ts for what gRPC clients support and require.
//
//   await using client = await new GrpcJsClient().withNode(node).withXds({ address, transport: "sotw", mode: "ads" }).start();
//   await client.waitForReady();
//   const records = await client.sendRpcs({ count: 20 });
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ProxylessClientBuilder, type ClientCommand } from "./proxyless-process.ts";

const SCRIPT = fileURLToPath(new URL("./grpc-client-process/main.ts", import.meta.url));

export class GrpcJsClient extends ProxylessClientBuilder {
  constructor() {
    super("grpc-js");
  }

  protected async command(): Promise<ClientCommand> {
    const require = createRequire(import.meta.url);
    // Fail here, with the fix, rather than as an exit status of the child.
    try {
      require.resolve("@grpc/grpc-js-xds");
    } catch {
      throw new Error(
        `grpc-js: @grpc/grpc-js-xds not found: add it to package.json (npm i @grpc/grpc-js-xds@1.14.1)`,
      );
    }
    // By URL: the child's cwd is its temp dir, where a bare "tsx" would not resolve.
    const tsx = pathToFileURL(require.resolve("tsx")).href;
    return { command: process.execPath, args: ["--import", tsx, SCRIPT], controlFlag: "--control" };
  }
}
