import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { ReferenceServer } from "../xds/server.ts";
import { ScriptedClient } from "../xds/scripted-client.ts";
import { edsCluster, loadAssignment } from "../xds/resources.ts";
import { CLUSTER_TYPE_URL, ENDPOINT_TYPE_URL } from "../proto/type-urls.ts";
import { Tap } from "./tap.ts";
import { readTranscript, formatEntry } from "./transcript.ts";
import { classifyAll } from "./classify.ts";

const node = { id: "n1", cluster: "c" };
const snapshot = { version: "v1", resources: [edsCluster("a"), loadAssignment("a", [{ port: 9 }])] };

describe("tap", () => {
  let server: ReferenceServer;
  let tap: Tap;
  let client: ScriptedClient;
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "xdsc-tap-"));
    server = await new ReferenceServer().start();
    tap = await new Tap(server.address, { transcriptPath: join(dir, "t.jsonl") }).start();
    client = new ScriptedClient(tap.address);
    await server.apply("n1", snapshot);
  });
  afterEach(async () => {
    client.close();
    await tap.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("forwards SotW unchanged and records classified requests and responses", async () => {
    const s = client.sotw();
    s.send({ node, typeUrl: CLUSTER_TYPE_URL });
    const cds = await s.next();
    s.send({ node, typeUrl: CLUSTER_TYPE_URL, versionInfo: cds.versionInfo, responseNonce: cds.nonce });
    await tap.waitForAck(CLUSTER_TYPE_URL, "v1", 2000, "n1");
    s.send({ node, typeUrl: ENDPOINT_TYPE_URL, resourceNames: ["a"] });
    const eds = await s.next();
    s.send({
      node,
      typeUrl: ENDPOINT_TYPE_URL,
      responseNonce: eds.nonce,
      resourceNames: ["a"],
      errorDetail: { code: 3, message: "rejected" },
    });
    const nack = await tap.waitFor((e) => e.classification === "nack", "NACK", 2000);
    expect(nack.errorDetail?.message).to.equal("rejected");
    expect(nack.answers?.version).to.equal("v1");
    const lines = tap.entries().filter((e) => e.direction === "request" || e.direction === "response");
    expect(lines.map((e) => `${e.direction}:${e.classification ?? ""}`)).to.deep.equal([
      "request:initial",
      "response:",
      "request:ack",
      "request:initial",
      "response:",
      "request:nack",
    ]);
    expect(lines[1]!.resources?.[0]?.json?.name).to.equal("a");
    s.close();
    // The JSONL on disk says the same, and reclassifying it from scratch agrees.
    await tap.waitFor((e) => e.direction === "close", "stream close", 2000);
    const onDisk = readTranscript(join(dir, "t.jsonl"));
    expect(onDisk.map((e) => e.classification)).to.deep.equal(
      classifyAll(onDisk).map((e) => e.classification),
    );
    expect(formatEntry(nack, onDisk[0]!.at)).to.match(/DP→CP ClusterLoadAssignment NACK .*error="rejected"/);
  });

  it("forwards delta streams and classifies ACKs by nonce", async () => {
    const d = client.delta();
    d.send({ node, typeUrl: CLUSTER_TYPE_URL });
    const r = await d.next();
    expect(r.resources.map((x) => x.name)).to.deep.equal(["a"]);
    d.send({ node, typeUrl: CLUSTER_TYPE_URL, responseNonce: r.nonce });
    const ack = await tap.waitFor((e) => e.kind === "delta" && e.classification === "ack", "delta ACK", 2000);
    expect(ack.answers?.nonce).to.equal(r.nonce);
    d.close();
  });

  it("says what it waited for and what it saw last when a wait times out", async () => {
    const err = await tap.waitForAck(CLUSTER_TYPE_URL, "v9", 100).catch((e: Error) => e);
    expect((err as Error).message).to.match(
      /tap: ACK of Cluster version "v9" not seen after 100ms \(last entry: none\)/,
    );
  });
});
