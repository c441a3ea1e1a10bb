import { expect } from "chai";
import { CLUSTER_TYPE_URL } from "../proto/type-urls.ts";
import { edsCluster } from "../xds/resources.ts";
import { ScriptedClient } from "../xds/scripted-client.ts";
import { startReferenceProcess } from "./adapter-process.ts";
import { ReferenceControlPlane } from "./reference.ts";

async function firstClusterResponse(address: string, nodeId: string) {
  const client = new ScriptedClient(address);
  try {
    const stream = client.sotw();
    stream.send({ node: { id: nodeId, cluster: "xdsc" }, typeUrl: CLUSTER_TYPE_URL });
    const res = await stream.next();
    stream.close();
    return [res.versionInfo, res.resources.length];
  } finally {
    client.close();
  }
}

describe("ReferenceControlPlane", () => {
  it("applies natively with its ordering policy and reports the steps", async () => {
    await using cp = await new ReferenceControlPlane().withPolicy("as-given").start();
    expect(cp.name).to.equal("xdsc-reference");
    await cp.apply("n1", { version: "v1", resources: [edsCluster("a")] });
    expect(cp.lastApply?.steps.map((s) => s.outcome)).to.deep.equal(["no-subscriber"]);
    expect(await firstClusterResponse(cp.address, "n1")).to.deep.equal(["v1", 1]);
  });

  it("runs in its own process behind the adapter API (reference-process.ts)", async function () {
    this.timeout(20_000);
    await using cp = await startReferenceProcess();
    expect(cp.features).to.include("delta");
    await cp.apply("n2", { version: "v7", resources: [edsCluster("a"), edsCluster("b")] });
    expect(await firstClusterResponse(cp.address, "n2")).to.deep.equal(["v7", 2]);
    await cp.stop();
    expect(cp.child.exit).to.deep.equal({ code: 0, signal: null });
  });
});
