// A scripted xDS client with one vocabulary for SotW and delta, ADS and per-type: `subscribe`, `ack`,
// `nack`, `next(type)`. It sends exactly what a check's script says (nothing on its own), so a control
// plane's answer to each message can be judged. Responses are demultiplexed by type URL.
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
  type Node,
  type Resource,
  ResourceCodec,
} from "../../../harness/proto/discovery.ts";
import { RESOURCE_TYPE_URL } from "../../../harness/xds/ttl.ts";
import { decodeResource, resourceName } from "../../../harness/proto/codec.ts";
import { ADS_SERVICE, xdsMethods } from "../../../harness/proto/services.ts";
import { shortTypeName } from "../../../harness/proto/type-urls.ts";
import type { Variant } from "../../../harness/scenario/variant.ts";

/** A response of either transport, reduced to what the rules talk about. */
export interface Reply {
  typeUrl: string;
  nonce: string;
  /** SotW version_info or delta system_version_info. */
  version: string;
  /** Resource names in order (duplicates kept). */
  names: string[];
  /** Delta: name → resource version. */
  versions: Record<string, string>;
  removed: string[];
  /** type_url of every Any in the response. */
  anyTypes: string[];
  /** Which underlying stream it came on (a reconnect opens a new one). */
  stream: number;
  /** Delta: the name inside each Resource's body (decoded from its Any), to compare with `names`. */
  anyNames?: string[];
  /** Each resource as carried: wrapped in a Resource (always for delta), with a body, with a TTL. */
  carried: CarriedResource[];
}

/** How one resource travelled: delta's Resource, SotW's plain Any or Resource-wrapped Any (TTL). */
export interface CarriedResource {
  name: string;
  wrapped: boolean;
  /** false for a heartbeat: a Resource with name and version but no body (xds_protocol "TTL"). */
  body: boolean;
  /** The Resource's version (delta resource version; SotW wrapper version). */
  version?: string;
  ttlMs?: number;
}

function nameOf(a: { typeUrl: string; value: Uint8Array }): string {
  try {
    return resourceName(a.typeUrl, decodeResource(a.typeUrl, a.value)) ?? "";
  } catch {
    return `(undecodable ${a.typeUrl})`;
  }
}

const ttlMs = (ttl: Resource["ttl"]) =>
  ttl ? Number(ttl.seconds) * 1000 + Math.round(ttl.nanos / 1_000_000) : undefined;

type Raw = DiscoveryResponse | DeltaDiscoveryResponse;

interface TypeState {
  names: Set<string>;
  /** SotW: the latest response's nonce and the last accepted version. */
  nonce: string;
  accepted: string;
  sentFirst: boolean;
  queue: Reply[];
  waiters: ((r: Reply | Error) => void)[];
}

export interface SubscribeOptions {
  /** Delta: initial_resource_versions (only on a stream's first request of the type). */
  initialVersions?: Record<string, string>;
  /** SotW: version_info to send (default: the last accepted one). */
  version?: string;
  /** Override response_nonce (e.g. a stale one). */
  nonce?: string;
  /** Include the node (default: only on the first request of the underlying stream). */
  node?: boolean;
  /** The type_url written in the request ("" omits it, as singleton APIs allow); default: the type's. */
  typeUrl?: string;
}

export class Subscriber {
  private readonly client: grpc.Client;
  private readonly calls = new Map<string, { call: grpc.ClientDuplexStream<unknown, Raw>; id: number }>();
  private readonly types = new Map<string, TypeState>();
  private streamCount = 0;
  /** Requests written so far (the control plane's request events catch up with this). */
  sent = 0;
  /** The type of the latest request, where a response with an unknown type_url is filed. */
  private lastType = "";
  private endError?: Error;

  constructor(
    address: string,
    readonly variant: Variant,
    readonly node: Node,
  ) {
    this.client = new grpc.Client(address, grpc.credentials.createInsecure());
  }

  get delta(): boolean {
    return this.variant.transport === "delta";
  }

  private state(typeUrl: string): TypeState {
    let s = this.types.get(typeUrl);
    if (!s) {
      s = { names: new Set(), nonce: "", accepted: "", sentFirst: false, queue: [], waiters: [] };
      this.types.set(typeUrl, s);
    }
    return s;
  }

  /** ADS multiplexes every type on one stream; per-type opens one stream per type. */
  private callFor(typeUrl: string): {
    call: grpc.ClientDuplexStream<unknown, Raw>;
    id: number;
    fresh: boolean;
  } {
    const key = this.variant.mode === "ads" ? "ads" : typeUrl;
    const open = this.calls.get(key);
    if (open) return { ...open, fresh: false };
    const path =
      this.variant.mode === "ads"
        ? `/${ADS_SERVICE}/${this.delta ? "DeltaAggregatedResources" : "StreamAggregatedResources"}`
        : xdsMethods().find((m) => m.typeUrl === typeUrl && m.kind === this.variant.transport)?.path;
    if (!path) throw new Error(`${shortTypeName(typeUrl)}: no ${this.variant.transport} per-type method`);
    const [req, res] = this.delta
      ? [DeltaDiscoveryRequestCodec, DeltaDiscoveryResponseCodec]
      : [DiscoveryRequestCodec, DiscoveryResponseCodec];
    const call = this.client.makeBidiStreamRequest<unknown, Raw>(
      path,
      (m) => req.encode(m as never),
      (b) => res.decode(b) as Raw,
    );
    const id = ++this.streamCount;
    call.on("data", (r: Raw) => this.deliver(this.reduce(r, id)));
    const end = (e: Error) => {
      if (this.calls.get(key)?.call !== call) return;
      this.endError = e;
      for (const s of this.types.values()) for (const w of s.waiters.splice(0)) w(e);
    };
    call.on("error", (e) => end(e));
    call.on("end", () => end(new Error("stream ended by the server")));
    this.calls.set(key, { call, id });
    return { call, id, fresh: true };
  }

  private reduce(r: Raw, stream: number): Reply {
    if ("removedResources" in r) {
      return {
        typeUrl: r.typeUrl,
        nonce: r.nonce,
        version: r.systemVersionInfo,
        names: r.resources.map((x) => x.name),
        versions: Object.fromEntries(r.resources.map((x) => [x.name, x.version])),
        removed: [...r.removedResources],
        anyTypes: r.resources.flatMap((x) => (x.resource ? [x.resource.typeUrl] : [])),
        stream,
        anyNames: r.resources.flatMap((x) => (x.resource ? [nameOf(x.resource)] : [])),
        carried: r.resources.map((x) => ({
          name: x.name,
          wrapped: true,
          body: !!x.resource,
          version: x.version,
          ttlMs: ttlMs(x.ttl),
        })),
      };
    }
    return {
      typeUrl: r.typeUrl,
      nonce: r.nonce,
      version: r.versionInfo,
      names: r.resources.map(nameOf),
      versions: {},
      removed: [],
      anyTypes: r.resources.map((a) => a.typeUrl),
      stream,
      carried: r.resources.map((a) => {
        if (a.typeUrl !== RESOURCE_TYPE_URL) return { name: nameOf(a), wrapped: false, body: true };
        const w = ResourceCodec.decode(a.value);
        return { name: w.name, wrapped: true, body: !!w.resource, version: w.version, ttlMs: ttlMs(w.ttl) };
      }),
    };
  }

  private deliver(reply: Reply): void {
    // A response whose type_url names no requested type is filed under the latest requested type, so
    // the check waiting on that type sees it (and can judge the type_url).
    const s = this.types.get(reply.typeUrl) ?? this.types.get(this.lastType);
    if (!s) return;
    if (!this.delta) s.nonce = reply.nonce;
    const w = s.waiters.shift();
    if (w) w(reply);
    else s.queue.push(reply);
  }

  private send(typeUrl: string, body: Record<string, unknown>, opts: SubscribeOptions): void {
    const { call, fresh } = this.callFor(typeUrl);
    const s = this.state(typeUrl);
    const withNode = opts.node ?? fresh;
    s.sentFirst = true;
    this.lastType = typeUrl;
    this.sent++;
    call.write({ typeUrl: opts.typeUrl ?? typeUrl, ...body, ...(withNode ? { node: this.node } : {}) });
  }

  private sotwRequest(typeUrl: string, extra: Partial<DiscoveryRequest>, opts: SubscribeOptions): void {
    const s = this.state(typeUrl);
    this.send(
      typeUrl,
      {
        versionInfo: opts.version ?? s.accepted,
        resourceNames: [...s.names],
        responseNonce: opts.nonce ?? s.nonce,
        ...extra,
      },
      opts,
    );
  }

  /** Adds names ("*" for wildcard; [] for the legacy empty first request) and sends the request. */
  subscribe(typeUrl: string, names: string[], opts: SubscribeOptions = {}): void {
    const s = this.state(typeUrl);
    for (const n of names) s.names.add(n);
    if (!this.delta) return this.sotwRequest(typeUrl, {}, opts);
    const body: Partial<DeltaDiscoveryRequest> = { resourceNamesSubscribe: names };
    if (opts.initialVersions) body.initialResourceVersions = opts.initialVersions;
    if (opts.nonce) body.responseNonce = opts.nonce;
    this.send(typeUrl, body, opts);
  }

  /**
   * Every resource of the type, in the form all servers must understand: SotW's legacy empty list
   * (R28; an explicit "*" is R27, judged by protocol.cp-sotw-complete-lds-cds on its own), delta's "*".
   * For checks whose rule is not the wildcard form, so a server's "*" handling does not mask their rule.
   */
  subscribeAll(typeUrl: string, opts: SubscribeOptions = {}): void {
    this.subscribe(typeUrl, this.delta ? ["*"] : [], opts);
  }

  unsubscribe(typeUrl: string, names: string[], opts: SubscribeOptions = {}): void {
    const s = this.state(typeUrl);
    for (const n of names) s.names.delete(n);
    if (!this.delta) return this.sotwRequest(typeUrl, {}, opts);
    this.send(
      typeUrl,
      { resourceNamesUnsubscribe: names, ...(opts.nonce ? { responseNonce: opts.nonce } : {}) },
      opts,
    );
  }

  ack(r: Reply, opts: SubscribeOptions = {}): void {
    const s = this.state(r.typeUrl);
    if (!this.delta) {
      s.accepted = r.version;
      return this.sotwRequest(r.typeUrl, { versionInfo: r.version, responseNonce: r.nonce }, opts);
    }
    this.send(r.typeUrl, { responseNonce: r.nonce }, opts);
  }

  nack(r: Reply, message = "rejected by the scripted client", opts: SubscribeOptions = {}): void {
    const errorDetail = { code: 3, message };
    if (!this.delta) return this.sotwRequest(r.typeUrl, { responseNonce: r.nonce, errorDetail }, opts);
    this.send(r.typeUrl, { responseNonce: r.nonce, errorDetail }, opts);
  }

  /** The next response of this type; fails after timeoutMs naming what was awaited. */
  next(typeUrl: string, timeoutMs = 3000): Promise<Reply> {
    const s = this.state(typeUrl);
    const queued = s.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.endError) return Promise.reject(this.endError);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        s.waiters.splice(s.waiters.indexOf(done), 1);
        reject(new Error(`no ${shortTypeName(typeUrl)} response within ${timeoutMs}ms`));
      }, timeoutMs);
      const done = (r: Reply | Error) => {
        clearTimeout(timer);
        if (r instanceof Error) reject(r);
        else resolve(r);
      };
      s.waiters.push(done);
    });
  }

  /** The next response of this type within windowMs, or undefined (for "no response is owed" rules). */
  async within(typeUrl: string, windowMs: number): Promise<Reply | undefined> {
    try {
      return await this.next(typeUrl, windowMs);
    } catch (e) {
      if (/no .* response within/.test((e as Error).message)) return undefined;
      throw e;
    }
  }

  /** Closes every stream (the server sees a cancel); a later request opens fresh streams. */
  reconnect(): void {
    for (const { call } of this.calls.values()) call.cancel();
    this.calls.clear();
    this.endError = undefined;
    for (const s of this.types.values()) {
      s.nonce = "";
      s.sentFirst = false;
      s.queue = [];
    }
  }

  close(): void {
    for (const { call } of this.calls.values()) call.cancel();
    this.calls.clear();
    this.client.close();
  }
}
