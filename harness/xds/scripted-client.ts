// A raw xDS client for tests and control-plane checks: it sends exactly the requests a script gives and
// hands back every response in order, so a check can drive a control plane message by message.
import * as grpc from "@grpc/grpc-js";
import {
  DeltaDiscoveryRequestCodec,
  DeltaDiscoveryResponseCodec,
  DiscoveryRequestCodec,
  DiscoveryResponseCodec,
  type DeltaDiscoveryRequest,
  type DeltaDiscoveryResponse,
  type DiscoveryRequest,
  type DiscoveryResponse,
  type MessageCodec,
} from "../proto/discovery.ts";
import { ADS_SERVICE } from "../proto/services.ts";

export const ADS_SOTW_PATH = `/${ADS_SERVICE}/StreamAggregatedResources`;
export const ADS_DELTA_PATH = `/${ADS_SERVICE}/DeltaAggregatedResources`;

export class ScriptedStream<Req, Res> {
  private readonly queue: Res[] = [];
  private readonly waiting: ((r: Res | Error) => void)[] = [];
  private endError?: Error;

  constructor(private readonly call: grpc.ClientDuplexStream<Req, Res>) {
    call.on("data", (r: Res) => {
      const w = this.waiting.shift();
      if (w) w(r);
      else this.queue.push(r);
    });
    const fail = (e: Error) => {
      this.endError = e;
      for (const w of this.waiting.splice(0)) w(e);
    };
    call.on("error", fail);
    call.on("end", () => fail(new Error("stream ended by the server")));
  }

  send(req: Partial<Req>): void {
    this.call.write(req as Req);
  }

  /** The next response; fails after timeoutMs saying nothing arrived. */
  next(timeoutMs = 5000): Promise<Res> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.endError) return Promise.reject(this.endError);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(done), 1);
        reject(new Error(`no xDS response within ${timeoutMs}ms`));
      }, timeoutMs);
      const done = (r: Res | Error) => {
        clearTimeout(timer);
        if (r instanceof Error) reject(r);
        else resolve(r);
      };
      this.waiting.push(done);
    });
  }

  /** Resolves true if no response arrives within windowMs (for "no response is owed" rules). */
  async silentFor(windowMs: number): Promise<boolean> {
    if (this.queue.length > 0) return false;
    try {
      await this.next(windowMs);
      return false;
    } catch {
      return true;
    }
  }

  pending(): number {
    return this.queue.length;
  }

  close(): void {
    this.call.cancel();
  }
}

export class ScriptedClient {
  private readonly client: grpc.Client;

  constructor(address: string) {
    this.client = new grpc.Client(address, grpc.credentials.createInsecure());
  }

  sotw(path = ADS_SOTW_PATH): ScriptedStream<DiscoveryRequest, DiscoveryResponse> {
    return this.open(path, DiscoveryRequestCodec, DiscoveryResponseCodec);
  }

  delta(path = ADS_DELTA_PATH): ScriptedStream<DeltaDiscoveryRequest, DeltaDiscoveryResponse> {
    return this.open(path, DeltaDiscoveryRequestCodec, DeltaDiscoveryResponseCodec);
  }

  private open<Req, Res>(
    path: string,
    req: MessageCodec<Req>,
    res: MessageCodec<Res>,
  ): ScriptedStream<Req, Res> {
    const call = this.client.makeBidiStreamRequest<Req, Res>(
      path,
      (m) => req.encode(m as Partial<Req>),
      (b) => res.decode(b),
    );
    call.on("error", () => undefined);
    return new ScriptedStream(call);
  }

  close(): void {
    this.client.close();
  }
}
