// State-of-the-world stream handling (ADS or per-type), following Envoy's xds_protocol doc:
// - a request whose response_nonce is not the latest sent for its type is stale and ignored
//   ("When the nonce ... is not the latest, the management server should ignore it");
// - for LDS/CDS an empty resource_names on the first request (or "*") is a wildcard subscription;
// - LDS/CDS responses carry every resource (absence = deletion); others carry what was subscribed,
//   and nothing is sent for a subscription none of whose resources exist.
import { allResourcesRequiredInSotW } from "../proto/type-urls.ts";
import type { DiscoveryRequest, DiscoveryResponse } from "../proto/discovery.ts";
import type { RequestClass } from "./events.ts";
import type { Entry } from "./snapshot.ts";
import { XdsStream } from "./stream.ts";
import type { Any } from "../proto/discovery.ts";
import { declaresResourceInSotw, wrapSotw } from "./ttl.ts";

interface Watch {
  wildcard: boolean;
  subscribed: Set<string>;
  lastSent?: { nonce: string; version: string; digest: string };
  /** The nonce of the response last ACKed: a repeat ACK of it is a re-request. */
  lastAckedNonce?: string;
  /** Some request of the type on this stream named resources ("*" included): the legacy wildcard is over. */
  explicit?: boolean;
}

export class SotwStream extends XdsStream<Watch, DiscoveryResponse> {
  /** The last response per type as sent, for faults that rewrite relative to it. */
  private readonly lastResponse = new Map<string, DiscoveryResponse>();

  wouldSend(typeUrl: string): boolean {
    const plan = this.plan(typeUrl);
    return plan !== undefined && plan.digest !== this.watchesByType.get(typeUrl)?.lastSent?.digest;
  }

  /** What a response for typeUrl would carry now; undefined when there is nothing to say. */
  private plan(typeUrl: string): { entries: Entry[]; digest: string; version: string } | undefined {
    const watch = this.watchesByType.get(typeUrl);
    const state = this.host.stateFor(this.nodeId)?.get(typeUrl);
    if (!watch || !state) return undefined;
    const wildcard = watch.wildcard || this.faulty("ignoreResourceNames");
    const entries: Entry[] = wildcard
      ? [...state.entries.values()]
      : [...watch.subscribed].flatMap((n) => (state.entries.has(n) ? [state.entries.get(n)!] : []));
    if (entries.length === 0 && !wildcard && !allResourcesRequiredInSotW(typeUrl)) return undefined;
    const digest = entries
      .map((e) => `${e.name}@${e.hash}`)
      .sort()
      .join(",");
    return { entries, digest, version: state.version };
  }

  handle(req: DiscoveryRequest): void {
    const nodeMissing = !!this.node && !req.node;
    this.learnNode(req.node);
    const typeUrl = this.typeOf(req.typeUrl);
    let watch = this.watchesByType.get(typeUrl);
    const first = !watch;
    const names = req.resourceNames ?? [];
    let classification: RequestClass = "initial";
    let answersVersion: string | undefined;
    if (req.responseNonce) {
      if (!watch?.lastSent || req.responseNonce !== watch.lastSent.nonce) classification = "stale";
      else {
        classification = req.errorDetail ? "nack" : "ack";
        answersVersion = watch.lastSent.version;
      }
    }
    this.host.emitRequest({
      ...this.base(),
      node: req.node,
      typeUrl,
      classification,
      versionInfo: req.versionInfo,
      nonce: req.responseNonce,
      resourceNames: names,
      errorDetail: req.errorDetail,
      answersVersion,
    });
    if (nodeMissing && this.faulty("requireNodeEveryRequest")) return this.end();
    if (this.endsOn(req.typeUrl, typeUrl)) return this.end();
    if (classification === "stale" && !this.faulty("acceptStaleNonce")) return;
    if (!watch) {
      watch = { wildcard: false, subscribed: new Set() };
      this.watchesByType.set(typeUrl, watch);
    }
    // A second ACK of the same response is a re-request: Envoy sends one for EDS when a cluster is
    // updated and must warm again (envoyproxy/envoy#13009, go-control-plane#245); it must be answered
    // even though nothing changed, or the updated cluster stays warming.
    const reRequest = classification === "ack" && watch.lastAckedNonce === req.responseNonce;
    if (classification === "ack") watch.lastAckedNonce = req.responseNonce;
    if (classification === "ack" || classification === "nack") {
      this.settle(req.responseNonce, {
        kind: classification === "ack" ? "acked" : "nacked",
        errorDetail: req.errorDetail,
      });
      this.settledType(typeUrl, classification === "nack");
    }
    const before = new Set(watch.subscribed);
    // xds_protocol "How the client specifies what resources to return": an empty list is the legacy
    // wildcard (LDS/CDS) only while no request of the type on this stream named anything; after that it
    // means "no interest" (R26, R29). "*" with "A" keeps the wildcard; "A" alone drops it (R30).
    const explicitBefore = watch.explicit ?? false;
    watch.explicit = explicitBefore || names.length > 0;
    const legacy =
      names.length === 0 &&
      allResourcesRequiredInSotW(typeUrl) &&
      (!explicitBefore || this.faulty("legacyWildcardSticks"));
    const star = names.includes("*") && !(names.length > 1 && this.faulty("sotwNamesOverrideStar"));
    watch.wildcard =
      star || legacy || (watch.wildcard && names.length > 0 && this.faulty("sotwWildcardSticky"));
    const exists = (n: string) => !!this.host.stateFor(this.nodeId)?.get(typeUrl)?.entries.has(n);
    const keep = names.length === 0 && explicitBefore && this.faulty("sotwEmptyKeepsNames");
    watch.subscribed = new Set([
      ...names.filter((n) => n !== "*" && (!this.faulty("forgetMissing") || exists(n))),
      ...(this.faulty("ignoreUnsubscribe") || keep ? before : []),
    ]);
    const added = [...watch.subscribed].some((n) => !before.has(n));
    if (classification === "nack") {
      if (this.host.faults.some((f) => f.resendOnNack)) this.push(typeUrl, true);
      return;
    }
    if (first && this.faulty("silentInitial")) return;
    const current = this.host.stateFor(this.nodeId)?.get(typeUrl)?.version;
    if (first && req.versionInfo && req.versionInfo === current && this.faulty("skipResendOnReconnect"))
      return;
    this.push(typeUrl, first || added || reRequest || (classification === "ack" && this.faulty("answerAck")));
  }

  push(typeUrl: string, force = false): string | undefined {
    const watch = this.watchesByType.get(typeUrl);
    const plan = this.plan(typeUrl);
    if (!watch || !plan) return undefined;
    const { entries, digest, version } = plan;
    if (!force && watch.lastSent?.digest === digest) return undefined;
    if (this.heldByNack(typeUrl)) return undefined;
    if (!force && watch.lastSent && this.faulty("sotwNoPushOnDelete")) {
      const had = new Set(watch.lastSent.digest.split(","));
      if (digest.split(",").every((d) => d === "" || had.has(d))) return undefined;
    }
    let resp: DiscoveryResponse | undefined = {
      versionInfo: version,
      resources: entries.map((e) => this.encode(typeUrl, e, version)),
      typeUrl,
      nonce: this.host.nextNonce(),
      controlPlane: { identifier: "xdsc-reference" },
    };
    for (const f of this.host.faults)
      if (resp && f.sotwResponse)
        resp = f.sotwResponse(
          { ...this.faultContext(typeUrl), previousResponse: this.lastResponse.get(typeUrl) },
          resp,
        );
    if (!resp) return undefined;
    if (watch.lastSent) this.supersede(watch.lastSent.nonce, resp.nonce);
    watch.lastSent = { nonce: resp.nonce, version: resp.versionInfo, digest };
    this.lastResponse.set(typeUrl, resp);
    this.lastVersion.set(typeUrl, resp.versionInfo);
    this.send(typeUrl, resp, {
      versionInfo: resp.versionInfo,
      nonce: resp.nonce,
      resources: entries.map((e) => ({ name: e.name, version: e.hash })),
    });
    this.closeIfFaulted(typeUrl);
    return resp.nonce;
  }

  /** xds_protocol "SotW TTL": Resource wrappers only for clients declaring the client feature. */
  private wraps(): boolean {
    return declaresResourceInSotw(this.node) || this.faulty("wrapWithoutClientFeature");
  }

  private encode(typeUrl: string, e: Entry, version: string): Any {
    const ttl = this.wraps() ? this.ttlOf(typeUrl, e) : undefined;
    this.sentWithTtl(typeUrl, e.name, ttl);
    return ttl === undefined ? e.any : wrapSotw(e, version, ttl, true);
  }

  /**
   * xds_protocol "TTL": refreshes the TTL of what the client has — the last response, once ACKed and
   * still current — with body-less Resources at its version; LDS/CDS carry the rest of the state in
   * full, since a SotW response for them is the complete state. Returns the nonce if it sent.
   */
  heartbeat(typeUrl: string): string | undefined {
    const watch = this.watchesByType.get(typeUrl);
    const plan = this.plan(typeUrl);
    const last = watch?.lastSent;
    if (!watch || !last || !plan || plan.digest !== last.digest || this.unsettled.has(last.nonce))
      return undefined;
    if (!this.wraps()) return undefined;
    const beats = plan.entries.filter((e) => this.ttlOf(typeUrl, e) !== undefined);
    if (beats.length === 0) return undefined;
    const full = allResourcesRequiredInSotW(typeUrl);
    const resp: DiscoveryResponse = {
      versionInfo: last.version,
      resources: plan.entries.flatMap((e) => {
        const ttl = this.ttlOf(typeUrl, e);
        if (ttl !== undefined) return [wrapSotw(e, last.version, ttl, false)];
        return full ? [e.any] : [];
      }),
      typeUrl,
      nonce: this.host.nextNonce(),
      controlPlane: { identifier: "xdsc-reference" },
    };
    this.supersede(last.nonce, resp.nonce);
    watch.lastSent = { ...last, nonce: resp.nonce };
    this.send(typeUrl, resp, {
      versionInfo: resp.versionInfo,
      nonce: resp.nonce,
      resources: beats.map((e) => ({ name: e.name, version: last.version })),
      heartbeat: true,
    });
    return resp.nonce;
  }
}
