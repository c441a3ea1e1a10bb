// The kind provider's commands, checked against a recording runner: kind itself cannot run here (its
// node images cannot be pulled, DESIGN.md §8).
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { KindCluster, kindConfig, kindNodeNames, type CommandRunner } from "./kind.ts";
import { tokenKubeconfig } from "./kube-client.ts";

const KUBECONFIG = tokenKubeconfig("https://127.0.0.1:6443", "-----BEGIN CERTIFICATE-----\n", "t0k");

function recorder(options: { failCreate?: boolean; clusters?: string[] } = {}) {
  const calls: string[][] = [];
  const configs: unknown[] = [];
  const runner: CommandRunner = async (file, args) => {
    calls.push([file, ...args]);
    if (args[0] === "create") {
      configs.push(parse(readFileSync(args[args.indexOf("--config") + 1]!, "utf8")));
      if (options.failCreate) throw new Error("kind create cluster: expected exit 0, got 1: boom");
    }
    if (args[0] === "get" && args[1] === "clusters") return (options.clusters ?? []).join("\n");
    if (args[0] === "get" && args[1] === "kubeconfig") return KUBECONFIG;
    return "";
  };
  return { calls, configs, runner, verbs: () => calls.map((c) => c.slice(1, 3).join(" ")) };
}

describe("kind provider (commands only)", () => {
  let logs: string;
  beforeEach(() => (logs = mkdtempSync(join(tmpdir(), "xdsc-kind-test-"))));
  afterEach(() => rmSync(logs, { recursive: true, force: true }));

  it("generates a config with the kube-proxy mode, IP family and node count", () => {
    expect(kindConfig({ proxyMode: "nftables", ipFamily: "dual", workers: 2 })).to.deep.equal({
      kind: "Cluster",
      apiVersion: "kind.x-k8s.io/v1alpha4",
      networking: { kubeProxyMode: "nftables", ipFamily: "dual", apiServerAddress: "127.0.0.1" },
      nodes: [{ role: "control-plane" }, { role: "worker" }, { role: "worker" }],
    });
    expect(kindNodeNames("c", 3)).to.deep.equal(["c-control-plane", "c-worker", "c-worker2", "c-worker3"]);
  });

  it("creates a per-run cluster, loads images, and deletes it on stop", async () => {
    const r = recorder();
    const cluster = await new KindCluster()
      .withProxyMode("nftables")
      .withNodeImage("kindest/node:v1.37.2")
      .withImages("xdsc/echo:dev")
      .withRunner(r.runner, "/opt/kind")
      .start();
    expect(cluster.name).to.match(/^xdsc-[0-9a-f]{6}$/);
    const create = r.calls[0]!;
    expect(create.slice(0, 5)).to.deep.equal(["/opt/kind", "create", "cluster", "--name", cluster.name]);
    expect(create).to.include.members(["--image", "kindest/node:v1.37.2", "--wait", "180s"]);
    expect(r.configs[0]).to.have.nested.property("networking.kubeProxyMode", "nftables");
    expect(r.calls[1]).to.deep.equal(["/opt/kind", "get", "kubeconfig", "--name", cluster.name]);
    expect(r.calls[2]).to.deep.equal([
      "/opt/kind",
      "load",
      "docker-image",
      "xdsc/echo:dev",
      "--name",
      cluster.name,
    ]);
    expect(cluster.client.credentials).to.deep.include({ server: "https://127.0.0.1:6443", token: "t0k" });
    await cluster.stop();
    expect(r.calls.at(-1)).to.deep.equal(["/opt/kind", "delete", "cluster", "--name", cluster.name]);
  });

  it("exports logs and deletes the cluster when creation fails", async () => {
    const r = recorder({ failCreate: true });
    const start = new KindCluster().withName("xdsc-broken").withLogsDir(logs).withRunner(r.runner).start();
    let error: Error | undefined;
    await start.catch((e: Error) => (error = e));
    expect(error?.message).to.match(/kind cluster xdsc-broken: expected it created, got .*boom/);
    expect(error?.message).to.include(join(logs, "xdsc-broken"));
    expect(r.verbs()).to.deep.equal(["create cluster", "export logs", "delete cluster"]);
    expect(r.calls[1]).to.deep.equal([
      "kind",
      "export",
      "logs",
      join(logs, "xdsc-broken"),
      "--name",
      "xdsc-broken",
    ]);
  });

  it("reuses an existing cluster of the same name and never deletes it", async () => {
    const r = recorder({ clusters: ["other", "xdsc-dev"] });
    const cluster = await new KindCluster().withName("xdsc-dev").withReuse().withRunner(r.runner).start();
    await cluster.stop();
    expect(r.verbs()).to.deep.equal(["get clusters", "get kubeconfig"]);
  });

  it("keeps a created cluster on stop when asked to", async () => {
    const r = recorder();
    const cluster = await new KindCluster().withKeep().withRunner(r.runner).start();
    await cluster.stop();
    expect(r.verbs()).to.deep.equal(["create cluster", "get kubeconfig"]);
  });
});
