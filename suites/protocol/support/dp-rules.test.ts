// The data-plane rules on small hand-written transcripts: each passes on a conforming exchange, fails on
// the one broken message, and refuses to pass when the transcript did not exercise the rule.
import { expect } from "chai";
import { classifyAll } from "../../../harness/tap/classify.ts";
import type { TranscriptEntry } from "../../../harness/tap/transcript.ts";
import { ADS_SERVICE } from "../../../harness/proto/services.ts";
import { CLUSTER_TYPE_URL as CDS, ENDPOINT_TYPE_URL as EDS } from "../../../harness/proto/type-urls.ts";
import {
  deltaReconnectRestatesState,
  deltaSpontaneousWithoutNonce,
  duplicatesNacked,
  everyResponseAnswered,
  singleAdsStream,
  sotwReconnectCarriesVersion,
  subscriptionFollows,
  wildcardLdsCds,
} from "./dp-wire-rules.ts";
import {
  deltaKeepsUnchanged,
  ignoresUnrequested,
  sotwAbsenceDeletes,
  sotwAbsenceKeeps,
  warmingWaitsForDependents,
} from "./dp-state-rules.ts";

type Partial = Omit<TranscriptEntry, "seq" | "at" | "method" | "kind"> & { kind?: "sotw" | "delta" };

/** Entries in order, classified as the tap would; `kind` defaults to SotW, the method to ADS. */
function t(...es: Partial[]): TranscriptEntry[] {
  return classifyAll(
    es.map((e, i) => ({
      kind: "sotw",
      method: `/${ADS_SERVICE}/StreamAggregatedResources`,
      ...e,
      seq: i + 1,
      at: i,
    })),
  );
}
const req = (stream: number, typeUrl: string, more: Partial | object = {}): Partial => ({
  stream,
  typeUrl,
  direction: "request",
  ...more,
});
const res = (
  stream: number,
  typeUrl: string,
  nonce: string,
  names: string[],
  more: object = {},
): Partial => ({
  stream,
  typeUrl,
  direction: "response",
  nonce,
  versionInfo: `v${nonce}`,
  resources: names.map((name) => ({ name })),
  ...more,
});
const ack = (stream: number, typeUrl: string, nonce: string, more: object = {}) =>
  req(stream, typeUrl, { nonce, versionInfo: `v${nonce}`, ...more });

describe("data-plane wire rules", () => {
  it("everyResponseAnswered: SotW may coalesce, the latest must be answered", () => {
    const coalesced = t(req(1, CDS), res(1, CDS, "1", ["a"]), res(1, CDS, "2", ["a"]), ack(1, CDS, "2"));
    expect(everyResponseAnswered(coalesced)).to.equal(undefined);
    expect(everyResponseAnswered(coalesced.slice(0, 3))).to.match(/neither ACKed nor NACKed/);
  });

  it("sotwReconnectCarriesVersion: the new stream's first request carries the accepted version", () => {
    const base = [req(1, CDS), res(1, CDS, "1", ["a"]), ack(1, CDS, "1")];
    expect(sotwReconnectCarriesVersion(t(...base, req(2, CDS, { versionInfo: "v1" })))).to.equal(undefined);
    expect(sotwReconnectCarriesVersion(t(...base, req(2, CDS, { versionInfo: "" })))).to.match(
      /last accepted/,
    );
    expect(sotwReconnectCarriesVersion(t(...base))).to.match(/not exercised/);
  });

  it("deltaReconnectRestatesState: names and held versions on reconnect, nowhere else", () => {
    const d = { kind: "delta" as const };
    const first = [
      req(1, EDS, { ...d, resourceNames: ["a"], initialResourceVersions: {} }),
      res(1, EDS, "1", [], { ...d, resources: [{ name: "a", version: "7" }], removed: [] }),
      req(1, EDS, { ...d, nonce: "1" }),
    ];
    const again = (initial: Record<string, string>) =>
      req(2, EDS, { ...d, resourceNames: ["a"], initialResourceVersions: initial });
    expect(deltaReconnectRestatesState(t(...first, again({ a: "7" })))).to.equal(undefined);
    expect(deltaReconnectRestatesState(t(...first, again({})))).to.match(/held at version "7"/);
    // per-type: a stream for another resource is no reconnect; the one for "a" again is
    const perType = { ...d, method: "/envoy.service.endpoint.v3.EndpointDiscoveryService/DeltaEndpoints" };
    const pt = (e: Partial) => ({ ...e, ...perType });
    const parallel = t(
      ...first.map(pt),
      pt(req(2, EDS, { resourceNames: ["b"], initialResourceVersions: {} })),
      pt(req(3, EDS, { resourceNames: ["a"], initialResourceVersions: { a: "7" } })),
    );
    expect(deltaReconnectRestatesState(parallel)).to.equal(undefined);
    const early = req(1, EDS, { ...d, resourceNames: ["a"], initialResourceVersions: { a: "1" } });
    expect(deltaReconnectRestatesState(t(early))).to.match(/very first stream/);
  });

  it("wildcardLdsCds: legacy empty or '*', never names", () => {
    expect(wildcardLdsCds(t(req(1, CDS, { resourceNames: [] })))).to.equal(undefined);
    expect(wildcardLdsCds(t(req(1, CDS, { resourceNames: ["a"] })))).to.match(/not the wildcard/);
  });

  it("duplicatesNacked: a duplicate is NACKed", () => {
    const dup = [req(1, CDS), res(1, CDS, "1", ["a", "a"])];
    const nacked = t(...dup, req(1, CDS, { nonce: "1", errorDetail: { code: 3, message: "dup" } }));
    expect(duplicatesNacked(nacked)).to.equal(undefined);
    expect(duplicatesNacked(t(...dup, ack(1, CDS, "1")))).to.match(/was ACKed/);
  });

  it("singleAdsStream: one at a time", () => {
    const open = (stream: number): Partial => ({ stream, typeUrl: "", direction: "open" });
    const close = (stream: number): Partial => ({ stream, typeUrl: "", direction: "close" });
    expect(singleAdsStream(t(open(1), close(1), open(2)))).to.equal(undefined);
    expect(singleAdsStream(t(open(1), open(2)))).to.match(/still open/);
  });

  it("deltaSpontaneousWithoutNonce: a nonce answers one response once", () => {
    const d = { kind: "delta" as const };
    const base = [
      req(1, CDS, { ...d, resourceNames: ["*"] }),
      res(1, CDS, "1", ["a"], d),
      req(1, CDS, { ...d, nonce: "1" }),
    ];
    expect(deltaSpontaneousWithoutNonce(t(...base.slice(1)))).to.match(/not exercised/);
    const sub = (nonce?: string) => req(1, EDS, { ...d, resourceNames: ["a"], nonce });
    expect(
      deltaSpontaneousWithoutNonce(t(...base, sub(), req(1, EDS, { ...d, resourceNames: ["b"] }))),
    ).to.equal(undefined);
    expect(deltaSpontaneousWithoutNonce(t(...base, sub(), sub("1")))).to.match(/answers no new response/);
  });

  it("subscriptionFollows: subscribed, then dropped", () => {
    const names = (...n: string[]) => req(1, EDS, { resourceNames: n });
    expect(subscriptionFollows(t(names("a"), names("a", "b"), names("a")), EDS, "b")).to.equal(undefined);
    expect(subscriptionFollows(t(names("a"), names("a", "b")), EDS, "b")).to.match(/still subscribed/);
    // per-type: the stream that named it ends
    const close: Partial = { stream: 2, typeUrl: EDS, direction: "close" };
    expect(
      subscriptionFollows(t(names("a"), req(2, EDS, { resourceNames: ["b"] }), close), EDS, "b"),
    ).to.equal(undefined);
  });
});

describe("data-plane state rules", () => {
  const applied = (typeUrl: string, ...names: string[]) => new Map([[typeUrl, new Set(names)]]);

  it("ignoresUnrequested", () => {
    const e = t(req(1, EDS, { resourceNames: ["a"] }), res(1, EDS, "1", ["a", "x"]), ack(1, EDS, "1"));
    expect(ignoresUnrequested(e, applied(EDS, "a"), EDS)).to.equal(undefined);
    expect(ignoresUnrequested(e, applied(EDS, "a", "x"), EDS)).to.match(/never requested/);
  });

  it("deltaKeepsUnchanged", () => {
    const d = { kind: "delta" as const };
    const e = t(
      req(1, CDS, d),
      res(1, CDS, "1", ["a", "b"], d),
      ack(1, CDS, "1", d),
      res(1, CDS, "2", ["a"], d),
      ack(1, CDS, "2", d),
    );
    expect(deltaKeepsUnchanged(e, applied(CDS, "a", "b"))).to.equal(undefined);
    expect(deltaKeepsUnchanged(e, applied(CDS, "a"))).to.match(/are gone/);
  });

  it("sotwAbsenceDeletes and sotwAbsenceKeeps", () => {
    const cds = t(
      req(1, CDS),
      res(1, CDS, "1", ["a", "b"]),
      ack(1, CDS, "1"),
      res(1, CDS, "2", ["a"]),
      ack(1, CDS, "2"),
    );
    expect(sotwAbsenceDeletes(cds, applied(CDS, "a"))).to.equal(undefined);
    expect(sotwAbsenceDeletes(cds, applied(CDS, "a", "b"))).to.match(/still applied/);
    const eds = t(
      req(1, EDS, { resourceNames: ["a", "b"] }),
      res(1, EDS, "1", ["a", "b"]),
      ack(1, EDS, "1", { resourceNames: ["a", "b"] }),
      res(1, EDS, "2", ["a"]),
      ack(1, EDS, "2", { resourceNames: ["a", "b"] }),
    );
    expect(sotwAbsenceKeeps(eds, applied(EDS, "a", "b"))).to.equal(undefined);
    expect(sotwAbsenceKeeps(eds, applied(EDS, "a"))).to.match(/no longer applied/);
  });

  it("warmingWaitsForDependents", () => {
    const e = t(req(1, EDS, { resourceNames: ["b"] }), res(1, EDS, "1", ["b"]));
    const needs = { b: { typeUrl: EDS, name: "b" } };
    const warm = { at: 0.5, active: new Set<string>(), warming: new Set(["b"]) };
    const active = (at: number) => ({ at, active: new Set(["b"]), warming: new Set<string>() });
    expect(warmingWaitsForDependents(e, [warm, active(2)], needs)).to.equal(undefined);
    expect(warmingWaitsForDependents(e, [warm, active(0.7)], needs)).to.match(/before its EDS/);
  });
});
