// Incremental (delta) stream handling, following Envoy's xds_protocol doc "Incremental xDS":
// - the server sends only resources whose version differs from what the client has, and names the
//   deleted ones in removed_resources;
// - on (re)connect the client states what it has in initial_resource_versions; unchanged resources are
//   not sent again;
// - for LDS/CDS an empty resource_names_subscribe on the first request, or "*", subscribes to everything;
// - every response is ACKed or NACKed by its own nonce; after a NACK the client still has its previous
//   versions, so the server's view of what the client has goes back to them.
import type { DeltaDiscoveryRequest, DeltaDiscoveryResponse } from "../proto/discovery.ts";
import { allResourcesRequiredInSotW } from "../proto/type-urls.ts";
import type { RequestClass, StreamInfo } from "./events.ts";
import type { Entry } from "./snapshot.ts";
import { XdsStream, type StreamHost } from "./stream.ts";

interface Watch {
  wildcard: boolean;
  subscribed: Set<string>;
  /** What the client has: name → resource version. */
  known: Map<string, string>;
  /** Per in-flight nonce, what `known` held before that response, to restore on NACK. */
  inflight: Map<string, Map<string, string | undefined>>;
}

export class DeltaStream extends XdsStream<Watch> {
  constructor(
    host: StreamHost,
    info: StreamInfo,
    private readonly write: (r: DeltaDiscoveryResponse) => void,
    private readonly end: () => void,
  ) {
    super(host, info);
  }

  wouldSend(typeUrl: string): boolean {
    const d = this.diff(typeUrl);
    return d !== undefined && (d.changed.length > 0 || d.removed.length > 0);
  }

  /** What the client lacks (new or changed resources) and what it has that no longer exists. */
  private diff(typeUrl: string): { changed: Entry[]; removed: string[]; version: string } | undefined {
    const watch = this.watchesByType.get(typeUrl);
    const state = this.host.stateFor(this.nodeId)?.get(typeUrl);
    if (!watch || !state) return undefined;
    const inScope = (name: string) =>
      watch.wildcard || watch.subscribed.has(name) || this.faulty("ignoreResourceNames");
    const changed = [...state.entries.values()].filter(
      (e) => inScope(e.name) && watch.known.get(e.name) !== e.hash,
    );
    const removed = [...watch.known.keys()].filter((n) => inScope(n) && !state.entries.has(n));
    return { changed, removed, version: state.version };
  }

  handle(req: DeltaDiscoveryRequest): void {
    const nodeMissing = !!this.node && !req.node;
    this.learnNode(req.node);
    const typeUrl = this.typeOf(req.typeUrl);
    let watch = this.watchesByType.get(typeUrl);
    const first = !watch;
    let classification: RequestClass = first ? "initial" : "subscription";
    if (req.responseNonce) {
      const prev = watch?.inflight.get(req.responseNonce);
      if (!watch || !prev) classification = "stale";
      else {
        classification = req.errorDetail ? "nack" : "ack";
        watch.inflight.delete(req.responseNonce);
        if (req.errorDetail)
          for (const [n, v] of prev) {
            if (v === undefined) watch.known.delete(n);
            else watch.known.set(n, v);
          }
        this.settle(req.responseNonce, {
          kind: req.errorDetail ? "nacked" : "acked",
          errorDetail: req.errorDetail,
        });
      }
    }
    this.host.emitRequest({
      ...this.base(),
      node: req.node,
      typeUrl,
      classification,
      versionInfo: "",
      nonce: req.responseNonce,
      resourceNames: req.resourceNamesSubscribe ?? [],
      unsubscribe: req.resourceNamesUnsubscribe ?? [],
      initialResourceVersions: first ? { ...(req.initialResourceVersions ?? {}) } : undefined,
      errorDetail: req.errorDetail,
    });
    if (nodeMissing && this.faulty("requireNodeEveryRequest")) return this.end();
    if (classification === "stale" && this.faulty("deltaRejectStale")) return;
    if (!watch) {
      watch = { wildcard: false, subscribed: new Set(), known: new Map(), inflight: new Map() };
      this.watchesByType.set(typeUrl, watch);
      if (!this.faulty("ignoreInitialVersions"))
        for (const [n, v] of Object.entries(req.initialResourceVersions ?? {})) watch.known.set(n, v);
    }
    const exists = (n: string) => !!this.host.stateFor(this.nodeId)?.get(typeUrl)?.entries.has(n);
    const subscribe = (req.resourceNamesSubscribe ?? []).filter(
      (n) => n === "*" || !this.faulty("forgetMissing") || exists(n),
    );
    const unsubscribe = this.faulty("ignoreUnsubscribe") ? [] : (req.resourceNamesUnsubscribe ?? []);
    // discovery.proto resource_names_subscribe: "the server must respond with all resources listed in
    // resource_names_subscribe, even if it believes the client has the most recent version of them" —
    // except on a stream's first request, where initial_resource_versions states what the client has.
    if (!first && !this.faulty("deltaSkipKnownSubscribe"))
      for (const n of subscribe) if (n !== "*") watch.known.delete(n);
    if (classification === "ack" && this.faulty("answerAck")) watch.known.clear();
    if (subscribe.includes("*") || (first && subscribe.length === 0 && allResourcesRequiredInSotW(typeUrl)))
      watch.wildcard = true;
    if (unsubscribe.includes("*")) watch.wildcard = false;
    for (const n of subscribe) if (n !== "*") watch.subscribed.add(n);
    for (const n of unsubscribe) {
      watch.subscribed.delete(n);
      watch.known.delete(n);
    }
    if (classification === "nack") {
      if (this.host.faults.some((f) => f.resendOnNack)) this.push(typeUrl);
      return;
    }
    if (first && this.faulty("silentInitial")) return;
    // xds_protocol "Incremental xDS": "the server must honor changes to the subscription state even if
    // the nonce is stale" — so a stale request's subscriptions are served too.
    this.push(typeUrl);
  }

  /** Sends these resources again even if the client has their current version (e.g. to re-warm a cluster). */
  resend(typeUrl: string, names: Set<string>): string | undefined {
    const watch = this.watchesByType.get(typeUrl);
    if (!watch) return undefined;
    for (const n of names) watch.known.delete(n);
    return this.push(typeUrl);
  }

  push(typeUrl: string): string | undefined {
    const watch = this.watchesByType.get(typeUrl);
    const state = this.host.stateFor(this.nodeId)?.get(typeUrl);
    if (!watch || !state) return undefined;
    const inScope = (name: string) =>
      watch.wildcard || watch.subscribed.has(name) || this.faulty("ignoreResourceNames");
    const changed: Entry[] = [...state.entries.values()].filter(
      (e) => inScope(e.name) && watch.known.get(e.name) !== e.hash,
    );
    const removed = [...watch.known.keys()].filter((n) => inScope(n) && !state.entries.has(n));
    if (changed.length === 0 && removed.length === 0) return undefined;
    let resp: DeltaDiscoveryResponse | undefined = {
      systemVersionInfo: state.version,
      resources: changed.map((e) => ({ name: e.name, version: e.hash, resource: e.any, aliases: [] })),
      typeUrl,
      removedResources: removed,
      nonce: this.host.nextNonce(),
      controlPlane: { identifier: "xdsc-reference" },
    };
    for (const f of this.host.faults)
      if (resp && f.deltaResponse) resp = f.deltaResponse(this.faultContext(typeUrl), resp);
    if (!resp) return undefined;
    const prev = new Map<string, string | undefined>();
    for (const e of changed) {
      prev.set(e.name, watch.known.get(e.name));
      watch.known.set(e.name, e.hash);
    }
    for (const n of removed) {
      prev.set(n, watch.known.get(n));
      watch.known.delete(n);
    }
    watch.inflight.set(resp.nonce, prev);
    this.sentNonce(resp.nonce);
    this.lastNonce.set(typeUrl, resp.nonce);
    this.sent++;
    this.write(resp);
    this.host.emitResponse({
      ...this.base(),
      typeUrl,
      versionInfo: resp.systemVersionInfo,
      nonce: resp.nonce,
      resources: changed.map((e) => ({ name: e.name, version: e.hash })),
      removed,
    });
    if (this.host.faults.some((f) => f.closeAfterSend?.(this.faultContext(typeUrl)))) this.end();
    return resp.nonce;
  }
}
