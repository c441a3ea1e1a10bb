// ExternalControlPlane against the adapter API served in process (adapter-server.ts): the reference
// server behind it, the way a vendor's control plane would sit behind its own implementation.
import { expect } from "chai";
import * as grpc from "@grpc/grpc-js";
import { CLUSTER_TYPE_URL } from "../proto/type-urls.ts";
import { edsCluster } from "../xds/resources.ts";
import { ScriptedClient } from "../xds/scripted-client.ts";
import { ReferenceServer } from "../xds/server.ts";
import {
  AdapterStatusError,
  referenceAdapter,
  startAdapterServer,
  type StartedAdapterServer,
} from "./adapter-server.ts";
import { ExternalControlPlane, type StartedExternalControlPlane } from "./external.ts";

describe("ExternalControlPlane (adapter API)", () => {
  let xds: ReferenceServer;
  let adapter: StartedAdapterServer;
  const calls: string[] = [];

  before(async () => {
    xds = await new ReferenceServer({ policy: "as-given" }).start();
    const reference = referenceAdapter(xds);
    adapter = await startAdapterServer({
      info: { name: "fake-cp", version: "9.9", features: ["sotw", "ads"] },
      async setSnapshot(req) {
        calls.push(`set ${req.nodeId} ${req.version}`);
        if (req.version === "bad")
          throw new AdapterStatusError(grpc.status.FAILED_PRECONDITION, "inconsistent");
        await reference.setSnapshot(req);
      },
      async clearSnapshot(req) {
        calls.push(`clear ${req.nodeId}`);
      },
    });
  });

  after(async () => {
    await adapter.stop();
    await xds.stop();
  });

  async function connect(): Promise<StartedExternalControlPlane> {
    return new ExternalControlPlane({
      xdsAddress: xds.address,
      adapterAddress: adapter.address,
      callTimeoutMs: 5000,
    }).start();
  }

  it("reports GetInfo and serves applied snapshots to the node's streams", async () => {
    await using cp = await connect();
    expect([cp.name, cp.version, cp.features]).to.deep.equal(["fake-cp", "9.9", ["sotw", "ads"]]);
    expect(cp.address).to.equal(xds.address);
    await cp.apply("node-a", { version: "v1", resources: [edsCluster("backend")] });
    const client = new ScriptedClient(cp.address);
    try {
      const stream = client.sotw();
      stream.send({ node: { id: "node-a", cluster: "xdsc" }, typeUrl: CLUSTER_TYPE_URL });
      const res = await stream.next();
      expect([res.versionInfo, res.resources.length]).to.deep.equal(["v1", 1]);
      stream.close();
    } finally {
      client.close();
    }
    await cp.clear("node-a");
    expect(calls).to.include.members(["set node-a v1", "clear node-a"]);
  });

  it("names the control plane, version and status when a snapshot is refused", async () => {
    await using cp = await connect();
    const err = await cp.apply("node-b", { version: "bad", resources: [] }).catch((e: Error) => e);
    expect((err as Error).message).to.match(
      /^fake-cp: expected to accept snapshot "bad" for node "node-b" \(0 resources\), got .*FAILED_PRECONDITION: inconsistent/,
    );
  });

  it("rejects a resource without a known @type before calling the control plane", async () => {
    await using cp = await connect();
    const err = await cp
      .apply("node-c", { version: "v1", resources: [{ "@type": "nope", name: "x" }] })
      .catch((e: Error) => e);
    expect((err as Error).message).to.equal(
      'resources[0]: expected "@type" naming an xDS resource type, got "nope"',
    );
  });

  it("fails to start with the adapter address when nothing listens there", async () => {
    const err = await new ExternalControlPlane({
      xdsAddress: "127.0.0.1:1",
      adapterAddress: "127.0.0.1:1",
      callTimeoutMs: 1000,
    })
      .start()
      .catch((e: Error) => e);
    expect((err as Error).message).to.match(
      /GetInfo at 127\.0\.0\.1:1: expected OK, got (UNAVAILABLE|DEADLINE_EXCEEDED)/,
    );
  });
});
