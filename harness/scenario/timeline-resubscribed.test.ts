// The reconnect vocabulary of fixtures (wait: reconnect, expect: resubscribed), as the envoy#17980 repro
// uses it: parsed from the fixture, judged on a transcript.
import { expect } from "chai";
import { loadFixture } from "../fixtures/load.ts";
import type { ExpectStep } from "../fixtures/types.ts";
import { ROUTE_TYPE_URL } from "../proto/type-urls.ts";
import type { TranscriptEntry } from "../tap/transcript.ts";
import { projectPath } from "../util/paths.ts";
import { judge } from "./timeline.ts";

const REPRO = projectPath(
  "fixtures",
  "repros",
  "envoy-17980-delta-rds-requested-after-listener-removed.yaml",
);

let seq = 0;
const entry = (
  stream: number,
  direction: TranscriptEntry["direction"],
  names?: string[],
): TranscriptEntry => ({
  seq: seq++,
  at: seq,
  stream,
  method: "/envoy.service.discovery.v3.AggregatedDiscoveryService/DeltaAggregatedResources",
  kind: "delta",
  direction,
  typeUrl: direction === "request" ? ROUTE_TYPE_URL : "",
  ...(names ? { resourceNames: names } : {}),
});

describe("scenario/timeline reconnect vocabulary", () => {
  const fixture = loadFixture(REPRO);
  const last = fixture.timeline.at(-1) as ExpectStep;

  it("loads wait: reconnect with its type, expect: resubscribed, and data_plane.drain_time_s", () => {
    expect(fixture.dataPlane).to.deep.equal({ drain_time_s: 0 });
    const wait = fixture.timeline.find((s) => s.kind === "wait" && s.event.event === "reconnect");
    expect(wait).to.deep.include({
      timeoutMs: 10_000,
      event: { event: "reconnect", typeUrl: ROUTE_TYPE_URL },
    });
    expect(Object.keys(last.resubscribed)).to.deep.equal(["doomed-routes", "routes"]);
  });

  it("counts requests naming a resource on streams opened in the window only", () => {
    const before = [entry(1, "request", ["doomed-routes", "routes"])];
    const window = [
      entry(1, "request", ["doomed-routes"]),
      entry(2, "open"),
      entry(2, "request", ["routes"]),
    ];
    expect(judge(last, [], window).map((e) => [e.ok, e.message])).to.deep.equal([
      [
        true,
        'requests naming "doomed-routes" on streams opened since the previous expect: expected =0, got 0',
      ],
      [true, 'requests naming "routes" on streams opened since the previous expect: expected >0, got 1'],
      [false, 'backend "v1": expected =20, got 0 of 0 requests'],
      [true, "lost requests: expected =0, got 0 of 0 requests"],
    ]);
    expect(before).to.have.length(1); // the first stream's own subscription is outside the window

    const buggy = [...window, entry(2, "request", ["doomed-routes", "routes"])];
    const doomed = judge(last, [], buggy).find((e) => e.message.includes('"doomed-routes"'))!;
    expect(doomed).to.include({ ok: false });
    expect(doomed.message).to.match(/expected =0, got 1$/);
  });
});
