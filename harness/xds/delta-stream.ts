// Incremental (delta) stream handling, following Envoy's xds_protocol doc "Incremental xDS":
// - the server sends only resources whose version differs from what the client has, and names the
//   deleted ones in removed_resources;
// - on (re)connect the client states what it has in initial_resource_versions; unchanged resources are
//   not sent again;
// - for LDS/CDS an empty resource_names_subscribe on the first request, or "*", subscribes to everything;
// - a subscribed name that does not exist is named in removed_resources once per subscription, and
//   unsubscribing a name the wildcard also covers is answered (resent if it exists, removed if not);
// - every response is ACKed or NACKed by its own nonce; after a NACK the client still has its previous
//   versions, so the server's view of what the client has goes back to them.
import type { DeltaDiscoveryRequest, DeltaDiscoveryResponse } from "../proto/discovery.ts";
import { allResourcesRequiredInSotW } from "../proto/type-urls.ts";
import type { RequestClass } from "./events.ts";
import type { Entry } from "./snapshot.ts";
import { XdsStream } from "./stream.ts";
import { ttlDuration } from "./ttl.ts";

interface Watch {
  wildcard: boolean;
  subscribed: Set<string>;
  /** What the client has: name → resource version. */
  known: Map<string, string>;
  /** Per in-flight nonce, what `known` held before that response, to restore on NACK. */
  inflight: Map<string, Map<string, string | undefined>>;
  /** Subscribed names that do not exist and were reported so in removed_resources (R64). */
  reportedMissing: Set<string>;
  /** Names owed in the next response's removed_resources (a wildcard-covered unsubscription, R63). */
  owedRemoval: Set<string>;
  /** unsubscribe-carves-wildcard: names the wildcard no longer covers. */
  excluded: Set<string>;
}

export class DeltaStream extends XdsStream<Watch, DeltaDiscoveryResponse> {
  wouldSend(typeUrl: string): boolean {
    const d = this.diff(typeUrl);
    return d !== undefined && (d.changed.length > 0 || d.removed.length > 0);
  }

  /**
   * What the client lacks (new or changed resources) and what it must be told does not exist: what it
   * has that was deleted, and — xds_protocol "Knowing When a Requested Resource Does Not Exist"
   * (incremental): "When a resource subscribed to by a client does not exist, the server will send a
   * DeltaDiscoveryResponse message that contains that resource's name in the removed_resources field"
   * — subscribed names that do not exist and were not reported yet (R64).
   */
  private diff(typeUrl: string): { changed: Entry[]; removed: string[]; version: string } | undefined {
    const watch = this.watchesByType.get(typeUrl);
    const state = this.host.stateFor(this.nodeId)?.get(typeUrl);
    if (!watch || !state) return undefined;
    const inScope = (name: string) =>
      (watch.wildcard && !watch.excluded.has(name)) ||
      watch.subscribed.has(name) ||
      this.faulty("ignoreResourceNames");
    const all = [...state.entries.values()].filter((e) => inScope(e.name));
    let changed = all.filter((e) => watch.known.get(e.name) !== e.hash);
    const removed = [...watch.known.keys()].filter((n) => inScope(n) && !state.entries.has(n));
    const missing = this.faulty("deltaNoMissingReport")
      ? []
      : [...watch.subscribed].filter(
          (n) =>
            !state.entries.has(n) &&
            !watch.known.has(n) &&
            !watch.reportedMissing.has(n) &&
            // About to be served by the apply in progress (e.g. EDS staged after CDS): it exists.
            !this.host.staged(this.nodeId, typeUrl, n),
        );
    for (const n of [...missing, ...watch.owedRemoval]) if (!removed.includes(n)) removed.push(n);
    if (this.faulty("deltaResendAll") && (changed.length > 0 || removed.length > 0)) changed = all;
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
        if (req.errorDetail) for (const n of prev.keys()) watch.reportedMissing.delete(n);
        this.settle(req.responseNonce, {
          kind: req.errorDetail ? "nacked" : "acked",
          errorDetail: req.errorDetail,
        });
        this.settledType(typeUrl, !!req.errorDetail);
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
    if (this.endsOn(req.typeUrl, typeUrl)) return this.end();
    if (classification === "stale" && this.faulty("deltaRejectStale")) return;
    const exists = (n: string) => !!this.host.stateFor(this.nodeId)?.get(typeUrl)?.entries.has(n);
    if (!watch) {
      watch = {
        wildcard: false,
        subscribed: new Set(),
        known: new Map(),
        inflight: new Map(),
        reportedMissing: new Set(),
        owedRemoval: new Set(),
        excluded: new Set(),
      };
      this.watchesByType.set(typeUrl, watch);
      if (!this.faulty("ignoreInitialVersions"))
        for (const [n, v] of Object.entries(req.initialResourceVersions ?? {}))
          if (exists(n) || !this.faulty("deltaForgetInitialRemovals")) watch.known.set(n, v);
    }
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
    if (unsubscribe.includes("*")) {
      // "*" goes, the named subscriptions stay (R31).
      watch.wildcard = false;
      if (this.faulty("deltaUnsubscribeStarDropsAll")) watch.subscribed.clear();
    }
    for (const n of subscribe)
      if (n !== "*") {
        watch.subscribed.add(n);
        // Listed again: owed an answer again, "does not exist" included (R60, R64).
        watch.reportedMissing.delete(n);
        watch.excluded.delete(n);
      }
    if (
      this.faulty("endOnPhantomUnsubscribe") &&
      unsubscribe.some((n) => n !== "*" && !watch.subscribed.has(n))
    )
      return this.end();
    for (const n of unsubscribe) {
      if (n === "*") continue;
      // xds_protocol "Unsubscribing from Resources" (incremental): a name the wildcard may also cover is
      // answered in resources (it is covered: resent, its known version forgotten) or removed_resources
      // (it is not) (R63). A wildcard is unsubscribed only as a whole (R43).
      const covered = watch.wildcard;
      watch.subscribed.delete(n);
      watch.reportedMissing.delete(n);
      if (covered && this.faulty("unsubscribeCarvesWildcard")) watch.excluded.add(n);
      if (covered && this.faulty("deltaSilentWildcardUnsubscribe")) continue;
      watch.known.delete(n);
      if (covered && !exists(n)) watch.owedRemoval.add(n);
    }
    if (
      unsubscribe.length > 0 &&
      watch.subscribed.size === 0 &&
      allResourcesRequiredInSotW(typeUrl) &&
      this.faulty("legacyWildcardSticks")
    )
      watch.wildcard = true;
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
    const d = this.diff(typeUrl);
    if (!watch || !state || !d) return undefined;
    const { changed, removed } = d;
    if (changed.length === 0 && removed.length === 0) return undefined;
    if (this.heldByNack(typeUrl)) return undefined;
    let resp: DeltaDiscoveryResponse | undefined = {
      systemVersionInfo: state.version,
      resources: changed.map((e) => ({
        name: e.name,
        version: e.hash,
        resource: e.any,
        aliases: [],
        ...this.ttlField(typeUrl, e),
      })),
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
      watch.reportedMissing.add(n);
    }
    for (const e of changed) watch.reportedMissing.delete(e.name);
    watch.owedRemoval.clear();
    watch.inflight.set(resp.nonce, prev);
    this.send(typeUrl, resp, {
      versionInfo: resp.systemVersionInfo,
      nonce: resp.nonce,
      resources: changed.map((e) => ({ name: e.name, version: e.hash })),
      removed,
    });
    this.closeIfFaulted(typeUrl);
    return resp.nonce;
  }

  /** xds_protocol "TTL": delta carries a resource's TTL in its Resource (fault modes included). */
  private ttlField(typeUrl: string, e: Entry): { ttl?: ReturnType<typeof ttlDuration> } {
    const ttl = this.ttlOf(typeUrl, e);
    this.sentWithTtl(typeUrl, e.name, ttl);
    return ttl === undefined ? {} : { ttl: ttlDuration(ttl) };
  }

  /**
   * xds_protocol "TTL": body-less Resources at the version the client has, only refreshing their TTL;
   * sent when nothing is in flight for the type and the client has every TTL'd resource current.
   */
  heartbeat(typeUrl: string): string | undefined {
    const watch = this.watchesByType.get(typeUrl);
    const state = this.host.stateFor(this.nodeId)?.get(typeUrl);
    if (!watch || !state || watch.inflight.size > 0) return undefined;
    const inScope = (name: string) => watch.wildcard || watch.subscribed.has(name);
    const beats = [...state.entries.values()].filter(
      (e) =>
        inScope(e.name) && watch.known.get(e.name) === e.hash && this.sentTtl.has(`${typeUrl}|${e.name}`),
    );
    if (beats.length === 0) return undefined;
    const resp: DeltaDiscoveryResponse = {
      systemVersionInfo: state.version,
      resources: beats.map((e) => ({
        name: e.name,
        version: e.hash,
        aliases: [],
        ...this.ttlField(typeUrl, e),
      })),
      typeUrl,
      removedResources: [],
      nonce: this.host.nextNonce(),
      controlPlane: { identifier: "xdsc-reference" },
    };
    watch.inflight.set(resp.nonce, new Map());
    this.send(typeUrl, resp, {
      versionInfo: resp.systemVersionInfo,
      nonce: resp.nonce,
      resources: beats.map((e) => ({ name: e.name, version: e.hash })),
      heartbeat: true,
    });
    return resp.nonce;
  }
}
