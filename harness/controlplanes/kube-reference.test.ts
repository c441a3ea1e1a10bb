// Unit parts of the kube-driven control plane; the whole of it (local cluster, watch, real Envoy) is
// test/kube/kube-reference-cp.test.ts, and the parity suite on it suites/parity/kube-reference.test.ts.
import { expect } from "chai";
import { applies, kubeDrivenExclusion } from "../checks/features.ts";
import { nodeNameOf, sourceKey } from "./kube-reference.ts";

describe("kube-reference", () => {
  it("reads the Kubernetes node from node metadata NODE_NAME (JSON or Struct form)", () => {
    const node = (metadata: unknown) => ({ id: "n", cluster: "c", metadata });
    expect(nodeNameOf(node({ NODE_NAME: "worker-1" }))).to.equal("worker-1");
    expect(
      nodeNameOf(node({ fields: { NODE_NAME: { kind: { case: "stringValue", value: "worker-2" } } } })),
    ).to.equal("worker-2");
    expect(nodeNameOf(node({ OTHER: "x" }))).to.equal(undefined);
    expect(nodeNameOf(undefined)).to.equal(undefined);
  });

  it("keys sources by kind, namespace and name", () => {
    expect(sourceKey({ kind: "Service", metadata: { name: "echo" } })).to.equal("Service/default/echo");
    expect(sourceKey({ kind: "EndpointSlice", metadata: { name: "e-a", namespace: "ns" } })).to.equal(
      "EndpointSlice/ns/e-a",
    );
  });

  it("takes only checks that drive it through the cluster (kube-translator) into a kube-reference cell", () => {
    const cell = (cp: string) => ({ cp, dp: "envoy", variant: { transport: "sotw", mode: "ads" } as const });
    expect(applies(["kube", "kube-translator"], cell("kube-reference"))).to.equal(true);
    expect(applies(["http-listener"], cell("kube-reference")), "a snapshot-driven check").to.equal(false);
    expect(applies(["http-listener"], cell("reference"))).to.equal(true);
    expect(kubeDrivenExclusion(["http-listener"], "kube-reference")).to.match(
      /configured by Kubernetes objects/,
    );
    expect(kubeDrivenExclusion(["kube", "kube-translator"], "kube-reference")).to.equal(undefined);
  });
});
