// The recording tap: an xDS proxy between any data plane and any control plane. It forwards every
// message byte for byte (gRPC, SotW and delta, ADS and per-type, unary fetch) and records a decoded,
// classified copy in the transcript — so ordering and protocol checks work on implementations we do
// not control.
import { EventEmitter } from "node:events";
import * as grpc from "@grpc/grpc-js";
import type { JsonObject } from "../proto/codec.ts";
import {
  DeltaDiscoveryRequestCodec,
  DeltaDiscoveryResponseCodec,
  DiscoveryRequestCodec,
  DiscoveryResponseCodec,
} from "../proto/discovery.ts";
import { ALL_SERVICES, serviceDefinition, xdsMethods, type XdsMethod } from "../proto/services.ts";
import { Classifier } from "./classify.ts";
import { formatEntry, TranscriptWriter, type TranscriptEntry } from "./transcript.ts";
import { toEntry } from "./decode.ts";

export interface TapOptions {
  /** Write the transcript as JSONL to this file while recording. */
  transcriptPath?: string;
  /** Decode and keep each resource's JSON (needed by `xdsc record`; costly for huge pushes). */
  recordResources?: boolean;
}

const now = () => performance.timeOrigin + performance.now();

export class Tap extends EventEmitter<{ entry: [TranscriptEntry] }> {
  private server?: grpc.Server;
  private readonly client: grpc.Client;
  private readonly recorded: TranscriptEntry[] = [];
  private readonly classifier = new Classifier();
  private readonly writer?: TranscriptWriter;
  private readonly calls = new Set<grpc.ClientDuplexStream<Buffer, Buffer>>();
  private streams = 0;
  private boundPort = 0;

  constructor(
    readonly upstream: string,
    private readonly opts: TapOptions = {},
  ) {
    super();
    this.client = new grpc.Client(upstream, grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": 256 << 20,
    });
    if (opts.transcriptPath) this.writer = new TranscriptWriter(opts.transcriptPath);
  }

  get address(): string {
    return `127.0.0.1:${this.boundPort}`;
  }
  get port(): number {
    return this.boundPort;
  }

  async start(port = 0): Promise<this> {
    const server = new grpc.Server({ "grpc.max_receive_message_length": 256 << 20 });
    for (const service of ALL_SERVICES) {
      const handlers: grpc.UntypedServiceImplementation = {};
      for (const m of xdsMethods().filter((x) => x.service === service)) handlers[m.name] = this.forwarder(m);
      server.addService(serviceDefinition(service, true), handlers);
    }
    this.boundPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (e, p) =>
        e ? reject(e) : resolve(p),
      ),
    );
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    for (const c of this.calls) c.cancel();
    this.calls.clear();
    this.server?.forceShutdown();
    this.server = undefined;
    this.client.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  entries(): readonly TranscriptEntry[] {
    return this.recorded;
  }

  /**
   * Ends every open stream from the control plane's side (the data plane sees status CANCELLED), as a
   * control plane restart would: the data plane reconnects through the tap to the same control plane.
   */
  resetStreams(): void {
    for (const up of [...this.calls]) up.cancel();
  }

  /** Resolves with the first entry (already recorded or future) matching; fails after timeoutMs. */
  waitFor(pred: (e: TranscriptEntry) => boolean, what: string, timeoutMs = 10_000): Promise<TranscriptEntry> {
    const hit = this.recorded.find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const onEntry = (e: TranscriptEntry) => {
        if (!pred(e)) return;
        clearTimeout(timer);
        this.off("entry", onEntry);
        resolve(e);
      };
      const timer = setTimeout(() => {
        this.off("entry", onEntry);
        const last = this.recorded.at(-1);
        reject(
          new Error(
            `tap: ${what} not seen after ${timeoutMs}ms (last entry: ${last ? formatEntry(last) : "none"})`,
          ),
        );
      }, timeoutMs);
      this.on("entry", onEntry);
    });
  }

  /** The data plane ACKed exactly `version` of `typeUrl` (optionally: on a stream of node `nodeId`). */
  waitForAck(
    typeUrl: string,
    version: string,
    timeoutMs = 10_000,
    nodeId?: string,
  ): Promise<TranscriptEntry> {
    return this.waitFor(
      (e) =>
        e.classification === "ack" &&
        e.typeUrl === typeUrl &&
        e.answers?.version === version &&
        (!nodeId || e.nodeId === nodeId),
      `ACK of ${typeUrl.split(".").pop()} version "${version}"${nodeId ? ` from node "${nodeId}"` : ""}`,
      timeoutMs,
    );
  }

  private record(partial: Omit<TranscriptEntry, "seq" | "at">): void {
    const e = this.classifier.observe({ seq: this.recorded.length + 1, at: now(), ...partial });
    this.recorded.push(e);
    this.writer?.write(e);
    this.emit("entry", e);
  }

  private forwarder(m: XdsMethod): grpc.UntypedHandleCall {
    const decodeReq = (b: Buffer) =>
      (m.kind === "delta" ? DeltaDiscoveryRequestCodec : DiscoveryRequestCodec).decode(b);
    const decodeRes = (b: Buffer) =>
      (m.kind === "delta" ? DeltaDiscoveryResponseCodec : DiscoveryResponseCodec).decode(b);
    const resourcesJson = this.opts.recordResources !== false;
    const id = (b: Buffer) => b;
    if (m.kind === "fetch") {
      return (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
        const stream = ++this.streams;
        this.record(toEntry(m, stream, "request", decodeReq(call.request), "", resourcesJson));
        this.client.makeUnaryRequest(m.path, id, id, call.request, call.metadata, (err, res) => {
          if (res) this.record(toEntry(m, stream, "response", decodeRes(res), "", resourcesJson));
          cb(err, res);
        });
      };
    }
    return (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
      const stream = ++this.streams;
      let nodeId = "";
      const up = this.client.makeBidiStreamRequest(m.path, id, id, call.metadata);
      this.calls.add(up);
      this.record({
        stream,
        method: m.path,
        kind: m.kind as "sotw" | "delta",
        direction: "open",
        typeUrl: m.typeUrl ?? "",
      });
      let closed = false;
      const close = (status: string) => {
        if (closed) return;
        closed = true;
        this.calls.delete(up);
        this.record({
          stream,
          method: m.path,
          kind: m.kind as "sotw" | "delta",
          direction: "close",
          typeUrl: m.typeUrl ?? "",
          nodeId,
          status,
        });
      };
      call.on("data", (b: Buffer) => {
        const entry = toEntry(m, stream, "request", decodeReq(b), nodeId, resourcesJson);
        nodeId ||= entry.nodeId ?? "";
        this.record({ ...entry, nodeId });
        up.write(b);
      });
      call.on("end", () => up.end());
      call.on("cancelled", () => {
        up.cancel();
        close("cancelled by data plane");
      });
      call.on("error", () => up.cancel());
      up.on("data", (b: Buffer) => {
        this.record(toEntry(m, stream, "response", decodeRes(b), nodeId, resourcesJson));
        call.write(b);
      });
      up.on("error", (e: grpc.ServiceError) => {
        close(`${grpc.status[e.code] ?? e.code}: ${e.details}`);
        call.emit("error", { code: e.code, details: e.details, metadata: e.metadata });
      });
      up.on("end", () => {
        close("OK");
        call.end();
      });
    };
  }
}

export type { JsonObject };
