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
import { XdsStream, type StreamHost } from "./stream.ts";
import type { StreamInfo } from "./events.ts";

interface Watch {
  wildcard: boolean;
  subscribed: Set<string>;
  lastSent?: { nonce: string; version: string; digest: string };
  /** The nonce of the response last ACKed: a repeat ACK of it is a re-request. */
  lastAckedNonce?: string;
}

export class SotwStream extends XdsStream<Watch> {
  /** The last response per type as sent, for faults that rewrite relative to it. */
  private readonly lastResponse = new Map<string, DiscoveryResponse>();

  constructor(
    host: StreamHost,
    info: StreamInfo,
    private readonly write: (r: DiscoveryResponse) => void,
    private readonly end: () => void,
  ) {
    super(host, info);
  }

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
    }
    const before = new Set(watch.subscribed);
    watch.wildcard =
      names.includes("*") ||
      (names.length === 0 && allResourcesRequiredInSotW(typeUrl) && (first || watch.wildcard));
    const exists = (n: string) => !!this.host.stateFor(this.nodeId)?.get(typeUrl)?.entries.has(n);
    watch.subscribed = new Set([
      ...names.filter((n) => n !== "*" && (!this.faulty("forgetMissing") || exists(n))),
      ...(this.faulty("ignoreUnsubscribe") ? before : []),
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
    let resp: DiscoveryResponse | undefined = {
      versionInfo: version,
      resources: entries.map((e) => e.any),
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
    this.sentNonce(resp.nonce);
    this.lastNonce.set(typeUrl, resp.nonce);
    this.lastResponse.set(typeUrl, resp);
    this.lastVersion.set(typeUrl, resp.versionInfo);
    this.sent++;
    this.write(resp);
    this.host.emitResponse({
      ...this.base(),
      typeUrl,
      versionInfo: resp.versionInfo,
      nonce: resp.nonce,
      resources: entries.map((e) => ({ name: e.name, version: e.hash })),
    });
    if (this.host.faults.some((f) => f.closeAfterSend?.(this.faultContext(typeUrl)))) this.end();
    return resp.nonce;
  }
}
