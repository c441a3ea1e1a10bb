// A grpc-js client of the adapter API (harness/proto/adapter.proto) with deadlines and errors that say
// which control plane refused what.
import * as grpc from "@grpc/grpc-js";
import {
  ADAPTER_SERVICE,
  adapterServiceDefinition,
  type AdapterMethod,
  type AdapterMethods,
} from "../proto/adapter.ts";

export class AdapterClient {
  private readonly client: grpc.Client;
  private readonly definition = adapterServiceDefinition();

  constructor(
    readonly address: string,
    private readonly timeoutMs = 30_000,
  ) {
    this.client = new grpc.Client(address, grpc.credentials.createInsecure(), {
      "grpc.max_send_message_length": 256 << 20,
    });
  }

  call<M extends AdapterMethod>(method: M, request: AdapterMethods[M][0]): Promise<AdapterMethods[M][1]> {
    const def = this.definition[method]!;
    const deadline = Date.now() + this.timeoutMs;
    return new Promise((resolve, reject) =>
      this.client.makeUnaryRequest(
        def.path,
        def.requestSerialize,
        def.responseDeserialize,
        request,
        { deadline },
        (err, res) => {
          if (!err) return resolve(res as AdapterMethods[M][1]);
          const status = grpc.status[err.code] ?? err.code;
          reject(
            Object.assign(
              new Error(
                `${ADAPTER_SERVICE}/${method} at ${this.address}: expected OK, got ${status}: ${err.details} (deadline ${this.timeoutMs}ms)`,
              ),
              { code: err.code },
            ),
          );
        },
      ),
    );
  }

  close(): void {
    this.client.close();
  }
}
