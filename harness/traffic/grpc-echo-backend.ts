// gRPC echo backends: loopback gRPC servers that answer every call with their identity, for proxyless
// clients (grpc-js, grpc-go) that pick endpoints themselves. The service has no .proto file: one unary
// method, ECHO_METHOD_PATH, whose request and response are JSON bytes. Any gRPC client can call it with
// a pass-through codec (the Go client does, with grpc.ForceCodec), and the response is
// `{"backend":"<name>"}`, the gRPC counterpart of the HTTP echo backend's `x-backend-id`.
import * as grpc from "@grpc/grpc-js";

/** The one method of the echo service; the grpc-go client in adapters/grpc-go-client calls the same path. */
export const ECHO_METHOD_PATH = "/xdsc.echo.v1.Echo/Call";

export interface EchoReply {
  backend: string;
}

export const encodeJson = (value: unknown): Buffer => Buffer.from(JSON.stringify(value ?? {}));

/** Lenient: an empty or non-JSON request is still served (the identity is the point, not the body). */
export function decodeJson(bytes: Buffer): unknown {
  if (bytes.length === 0) return {};
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    return { raw: bytes.toString("utf8") };
  }
}

const ECHO_SERVICE: grpc.ServiceDefinition = {
  Call: {
    path: ECHO_METHOD_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: encodeJson,
    requestDeserialize: decodeJson,
    responseSerialize: encodeJson,
    responseDeserialize: decodeJson,
    originalName: "call",
  },
};

export interface StartedGrpcEchoBackend extends AsyncDisposable {
  readonly name: string;
  readonly port: number;
  /** "127.0.0.1:<port>", ready to template into an endpoint. */
  readonly address: string;
  /** Calls received since start or the last reset. */
  getCount(): number;
  resetCount(): void;
  /** Shuts the server down, cancelling calls in flight; safe to call more than once. */
  stop(): Promise<void>;
}

export class GrpcEchoBackend {
  private code: grpc.status = grpc.status.OK;

  constructor(readonly name: string) {
    if (!/^[A-Za-z0-9._-]+$/.test(name)) {
      throw new Error(`GrpcEchoBackend name: expected letters, digits, ".", "_" or "-", got "${name}"`);
    }
  }

  /** Fails every call with this gRPC status code (e.g. UNAVAILABLE to play a failing upstream). */
  withStatusCode(code: grpc.status): this {
    if (grpc.status[code] === undefined) {
      throw new RangeError(`GrpcEchoBackend status code: expected a gRPC status code, got ${code}`);
    }
    this.code = code;
    return this;
  }

  async start(): Promise<StartedGrpcEchoBackend> {
    const { name, code } = this;
    let count = 0;
    const server = new grpc.Server();
    server.addService(ECHO_SERVICE, {
      Call: (_call: grpc.ServerUnaryCall<unknown, EchoReply>, callback: grpc.sendUnaryData<EchoReply>) => {
        count += 1;
        if (code === grpc.status.OK) return callback(null, { backend: name });
        callback({ code, details: `backend ${name} answers ${grpc.status[code]}` });
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, p) =>
        error ? reject(error) : resolve(p),
      ),
    );
    let stopping: Promise<void> | undefined;
    const stop = () => {
      // forceShutdown: a proxyless client keeps its connections open, so a graceful drain could hang.
      stopping ??= Promise.resolve(server.forceShutdown());
      return stopping;
    };
    return {
      name,
      port,
      address: `127.0.0.1:${port}`,
      getCount: () => count,
      resetCount: () => {
        count = 0;
      },
      stop,
      [Symbol.asyncDispose]: stop,
    };
  }
}

/** One direct call to an echo backend (no xDS), for tests and probes. */
export async function callEcho(address: string, timeoutMs = 5000): Promise<EchoReply> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  try {
    return await new Promise<EchoReply>((resolve, reject) =>
      client.makeUnaryRequest(
        ECHO_METHOD_PATH,
        encodeJson,
        decodeJson,
        {},
        new grpc.Metadata(),
        { deadline: Date.now() + timeoutMs },
        (error, reply) => (error ? reject(error) : resolve(reply as EchoReply)),
      ),
    );
  } finally {
    client.close();
  }
}
