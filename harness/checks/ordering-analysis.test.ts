import { expect } from "chai";
import type { JsonObject } from "../proto/codec.ts";
import {
  CLUSTER_TYPE_URL as CDS,
  ENDPOINT_TYPE_URL as EDS,
  LISTENER_TYPE_URL as LDS,
  ROUTE_TYPE_URL as RDS,
} from "../proto/type-urls.ts";
import type { TranscriptEntry } from "../tap/transcript.ts";
import { analyzeOrdering, clusterRefs, edsNameOf, formatViolation, rdsNames } from "./ordering-analysis.ts";

const cluster = (name: string): JsonObject => ({ name, type: "EDS", eds_cluster_config: {} });
const cla = (name: string): JsonObject => ({ cluster_name: name });
const listener = (name: string, rds: string): JsonObject => ({
  name,
  filter_chains: [{ filters: [{ typed_config: { rds: { route_config_name: rds } } }] }],
});
const routes = (name: string, ...clusters: string[]): JsonObject => ({
  name,
  virtual_hosts: [{ routes: clusters.map((c) => ({ route: { cluster: c } })) }],
});
const nameOf = (typeUrl: string, j: JsonObject) => String(typeUrl === EDS ? j.cluster_name : j.name);

/** A transcript builder: responses and their ACKs on numbered streams (stream 1 = ADS by default). */
class Script {
  readonly entries: TranscriptEntry[] = [];
  private nonce = 0;
  constructor(private readonly kind: "sotw" | "delta" = "sotw") {}
  send(typeUrl: string, resources: JsonObject[], opts: { stream?: number; removed?: string[] } = {}): string {
    const nonce = String(++this.nonce);
    this.push({
      stream: opts.stream ?? 1,
      direction: "response",
      typeUrl,
      nonce,
      versionInfo: `v${this.nonce}`,
      resources: resources.map((json) => ({ name: nameOf(typeUrl, json), json })),
      ...(opts.removed ? { removed: opts.removed } : {}),
    });
    return nonce;
  }
  ack(typeUrl: string, nonce: string, stream = 1): void {
    this.push({
      stream,
      direction: "request",
      typeUrl,
      nonce,
      classification: "ack",
      answers: { nonce, version: "", seq: 0 },
    });
  }
  private push(e: Partial<TranscriptEntry>): void {
    const seq = this.entries.length + 1;
    this.entries.push({ seq, at: seq, method: "m", kind: this.kind, nodeId: "n1", ...e } as TranscriptEntry);
  }
}

/** The make-before-break order: CDS, EDS, LDS, RDS, each ACKed. */
function goodStart(s: Script, stream = (_t: string) => 1): void {
  s.ack(CDS, s.send(CDS, [cluster("blue")], { stream: stream(CDS) }), stream(CDS));
  s.ack(EDS, s.send(EDS, [cla("blue")], { stream: stream(EDS) }), stream(EDS));
  s.ack(LDS, s.send(LDS, [listener("in", "r")], { stream: stream(LDS) }), stream(LDS));
  s.ack(RDS, s.send(RDS, [routes("r", "blue")], { stream: stream(RDS) }), stream(RDS));
}

describe("ordering analysis", () => {
  it("finds nothing wrong in the make-before-break order (ADS and per-type streams)", () => {
    const ads = new Script();
    goodStart(ads);
    expect(analyzeOrdering(ads.entries)).to.deep.equal([]);
    const perType = new Script();
    goodStart(perType, (t) => [CDS, EDS, LDS, RDS].indexOf(t) + 1);
    expect(analyzeOrdering(perType.entries)).to.deep.equal([]);
  });

  it("flags a route referencing a cluster that was never sent (RDS first)", () => {
    const s = new Script();
    goodStart(s);
    s.send(RDS, [routes("r", "green")]);
    s.send(CDS, [cluster("blue"), cluster("green")]);
    const v = analyzeOrdering(s.entries);
    expect(v.map((x) => x.rule)).to.deep.equal(["cds-before-reference"]);
    expect(v[0]!.message).to.match(/"r" references cluster "green" before it was sent/);
    expect(formatViolation(v[0]!)).to.match(
      /^cds-before-reference: .* \[\+\d+\.\dms s1 CP→DP RouteConfiguration/,
    );
  });

  it("flags a route referencing a cluster whose endpoints were not sent yet (EDS late)", () => {
    const s = new Script();
    goodStart(s);
    s.send(CDS, [cluster("blue"), cluster("green")]);
    s.send(RDS, [routes("r", "green")]);
    s.send(EDS, [cla("blue"), cla("green")]);
    expect(analyzeOrdering(s.entries).map((x) => x.rule)).to.deep.equal(["eds-before-reference"]);
  });

  it("across streams, endpoints count only once ACKed", () => {
    const s = new Script();
    const stream = (t: string) => [CDS, EDS, LDS, RDS].indexOf(t) + 1;
    goodStart(s, stream);
    s.send(CDS, [cluster("blue"), cluster("green")], { stream: 1 });
    const n = s.send(EDS, [cla("blue"), cla("green")], { stream: 2 });
    s.send(RDS, [routes("r", "green")], { stream: 4 });
    expect(analyzeOrdering(s.entries).map((x) => x.rule)).to.deep.equal(["eds-before-reference"]);
    const fixed = new Script();
    goodStart(fixed, stream);
    fixed.send(CDS, [cluster("blue"), cluster("green")], { stream: 1 });
    fixed.ack(EDS, fixed.send(EDS, [cla("blue"), cla("green")], { stream: 2 }), 2);
    fixed.send(RDS, [routes("r", "green")], { stream: 4 });
    expect(analyzeOrdering(fixed.entries)).to.deep.equal([]);
    expect(n).to.be.a("string");
  });

  it("flags endpoints before their cluster and a route configuration before its listener", () => {
    const s = new Script();
    s.send(EDS, [cla("blue")]);
    s.send(RDS, [routes("r")]);
    s.send(CDS, [cluster("blue")]);
    s.send(LDS, [listener("in", "r")]);
    expect(analyzeOrdering(s.entries).map((x) => x.rule)).to.deep.equal(["cds-before-eds", "lds-before-rds"]);
  });

  it("flags removing a cluster a live route still references (SotW absence and delta removed)", () => {
    const sotw = new Script();
    goodStart(sotw);
    sotw.send(CDS, []);
    const v = analyzeOrdering(sotw.entries);
    expect(v.map((x) => x.rule)).to.deep.equal(["unreference-before-removal"]);
    expect(v[0]!.message).to.match(/removes cluster "blue" while RDS "r" still references it/);
    const delta = new Script("delta");
    goodStart(delta);
    delta.send(CDS, [], { removed: ["blue"] });
    expect(analyzeOrdering(delta.entries).map((x) => x.rule)).to.deep.equal(["unreference-before-removal"]);
  });

  it("accepts removal after the route moved away, and flags endpoints removed before their cluster", () => {
    const s = new Script("delta");
    goodStart(s);
    s.ack(CDS, s.send(CDS, [cluster("green")]));
    s.ack(EDS, s.send(EDS, [cla("green")]));
    s.ack(RDS, s.send(RDS, [routes("r", "green")]));
    s.send(EDS, [], { removed: ["blue"] });
    s.send(CDS, [], { removed: ["blue"] });
    expect(analyzeOrdering(s.entries).map((x) => x.rule)).to.deep.equal(["cluster-removal-before-endpoints"]);
  });

  it("keeps nodes apart and filters by rule", () => {
    const s = new Script();
    goodStart(s);
    const other = s.entries.map((e) => ({ ...e, seq: e.seq + 100, nodeId: "n2" }));
    const bad = new Script();
    bad.send(RDS, [routes("r", "x")]);
    const all = [...s.entries, ...other, ...bad.entries.map((e) => ({ ...e, seq: 300, nodeId: "n3" }))];
    expect(analyzeOrdering(all).map((v) => v.nodeId)).to.deep.equal(["n3", "n3"]);
    expect(analyzeOrdering(all, { rules: ["lds-before-rds"] })).to.have.length(1);
  });

  it("reads references from routes, weights, mirrors and inline route configurations", () => {
    expect(
      clusterRefs({
        virtual_hosts: [
          { routes: [{ route: { weighted_clusters: { clusters: [{ name: "a" }, { name: "b" }] } } }] },
          { routes: [{ route: { cluster: "c", request_mirror_policies: [{ cluster: "d" }] } }] },
        ],
      }).sort(),
    ).to.deep.equal(["a", "b", "c", "d"]);
    expect(rdsNames(listener("l", "r1"))).to.deep.equal(["r1"]);
    expect(edsNameOf({ name: "c", type: "EDS", eds_cluster_config: { service_name: "svc" } })).to.equal(
      "svc",
    );
    expect(edsNameOf({ name: "c", type: "STATIC" })).to.equal(undefined);
  });
});
