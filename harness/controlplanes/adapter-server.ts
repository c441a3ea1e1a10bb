// Serving the adapter API from TypeScript: for control planes written in Node, for the reference
// server when it runs out of process (bench/xds-push.ts measures it in its own process), and as the
// model a vendor's implementation follows.
import * as grpc from "@grpc/grpc-js";
import {
  adapterServiceDefinition,
  type ClearSnapshotRequest,
  type GetInfoResponse,
  type SetSnapshotRequest,
} from "../proto/adapter.ts";
import { decodeResource } from "../proto/codec.ts";
import type { ReferenceServer } from "../xds/server.ts";
import { REFERENCE_FEATURES, REFERENCE_NAME, REFERENCE_VERSION } from "./reference.ts";

export interface AdapterImplementation {
  info: GetInfoResponse;
  setSnapshot(req: SetSnapshotRequest): Promise<void>;
  clearSnapshot(req: ClearSnapshotRequest): Promise<void>;
}

/** An error an implementation throws to answer with a specific gRPC status. */
export class AdapterStatusError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
  }
}

export interface StartedAdapterServer {
  readonly address: string;
  stop(): Promise<void>;
}

export async function startAdapterServer(
  impl: AdapterImplementation,
  port = 0,
): Promise<StartedAdapterServer> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 256 << 20 });
  const unary =
    <Req>(run: (req: Req) => Promise<unknown>) =>
    (call: grpc.ServerUnaryCall<Req, unknown>, cb: grpc.sendUnaryData<unknown>) =>
      run(call.request).then(
        (res) => cb(null, res ?? {}),
        (e: Error) =>
          cb({
            code: e instanceof AdapterStatusError ? e.code : grpc.status.INVALID_ARGUMENT,
            details: e.message,
          }),
      );
  server.addService(adapterServiceDefinition(), {
    GetInfo: unary(async () => impl.info),
    SetSnapshot: unary((req: SetSnapshotRequest) => impl.setSnapshot(req)),
    ClearSnapshot: unary((req: ClearSnapshotRequest) => impl.clearSnapshot(req)),
  });
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  return {
    address: `127.0.0.1:${bound}`,
    stop: async () => server.forceShutdown(),
  };
}

/** The reference server behind the adapter API: resources are decoded to JSON and applied natively. */
export function referenceAdapter(server: ReferenceServer): AdapterImplementation {
  return {
    info: { name: REFERENCE_NAME, version: REFERENCE_VERSION, features: [...REFERENCE_FEATURES] },
    async setSnapshot({ nodeId, version, resources }) {
      const json = resources.map((r) => ({ "@type": r.typeUrl, ...decodeResource(r.typeUrl, r.value) }));
      await server.apply(nodeId, { version, resources: json });
    },
    async clearSnapshot() {
      throw new AdapterStatusError(grpc.status.UNIMPLEMENTED, "the reference server keeps a node's state");
    },
  };
}
