// The kind smoke's arguments, the commands it builds and its flow (logs exported on failure, cluster always
// deleted), against a fake cluster: kind itself cannot run here (DESIGN.md §8).
import { expect } from "chai";
import { stringify } from "yaml";
import type { CommandRunner } from "./kind.ts";
import {
  configuredMode,
  nodeReady,
  parseSmokeArgs,
  proxyModeArgs,
  smokeCheck,
  SmokeUsageError,
  type SmokeCluster,
} from "./kind-smoke.ts";

const NODES = ["xdsc-ab12-control-plane", "xdsc-ab12-worker"];
const node = (name: string, ready: string) => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name },
  status: { conditions: [{ type: "Ready", status: ready }] },
});

function fakeCluster(o: { configMode: string; readyAfter?: number }) {
  const calls: string[] = [];
  let lists = 0;
  const cluster: SmokeCluster = {
    name: "xdsc-ab12",
    client: {
      list: (async () => {
        lists++;
        const ready = lists > (o.readyAfter ?? 0) ? "True" : "False";
        return NODES.map((n) => node(n, ready));
      }) as SmokeCluster["client"]["list"],
      get: (async (_v: string, kind: string, name: string, ns?: string) => {
        calls.push(`get ${kind} ${ns}/${name}`);
        return { data: { "config.conf": stringify({ kind: "KubeProxyConfiguration", mode: o.configMode }) } };
      }) as SmokeCluster["client"]["get"],
    },
    exportLogs: async (dir) => void calls.push(`export ${dir}`),
    stop: async () => void calls.push("stop"),
  };
  return { cluster, calls };
}

function fakeDocker(mode: string): { exec: CommandRunner; calls: string[][] } {
  const calls: string[][] = [];
  const exec: CommandRunner = async (file, args) => (calls.push([file, ...args]), mode);
  return { exec, calls };
}

const options = {
  proxyMode: "nftables" as const,
  logsDir: "/tmp/smoke-logs",
  timeoutMs: 10_000,
  nodes: NODES,
};

describe("kind smoke (fake cluster)", function () {
  this.timeout(20_000);

  it("parses its arguments; a missing or unknown mode is a usage error", () => {
    expect(parseSmokeArgs(["--proxy-mode", "ipvs"])).to.deep.equal({
      proxyMode: "ipvs",
      logsDir: "reports/kind-smoke",
      timeoutMs: 300_000,
    });
    expect(parseSmokeArgs(["--proxy-mode", "nftables", "--logs-dir", "/l", "--timeout-ms", "5"])).to.include({
      logsDir: "/l",
      timeoutMs: 5,
    });
    expect(() => parseSmokeArgs([])).to.throw(SmokeUsageError, /--proxy-mode: expected one of iptables/);
    expect(() => parseSmokeArgs(["--proxy-mode", "userspace"])).to.throw(SmokeUsageError, /got "userspace"/);
    expect(() => parseSmokeArgs(["--bogus"])).to.throw(SmokeUsageError, /--bogus/);
  });

  it("reads node readiness and kubeadm's kube-proxy mode", () => {
    expect(nodeReady(node("n", "True"))).to.equal(true);
    expect(nodeReady(node("n", "Unknown"))).to.equal(false);
    expect(configuredMode({ data: { "config.conf": "mode: ipvs\n" } })).to.equal("ipvs");
    expect(configuredMode({ data: { "config.conf": "kind: KubeProxyConfiguration\n" } })).to.equal("");
    expect(configuredMode({})).to.equal(undefined);
  });

  it("asks kube-proxy on each node for its running mode through docker exec", () => {
    expect(proxyModeArgs("c-control-plane")).to.deep.equal([
      "exec",
      "c-control-plane",
      "curl",
      "-fsS",
      "--max-time",
      "5",
      "http://127.0.0.1:10249/proxyMode",
    ]);
  });

  it("passes when nodes become Ready and kube-proxy runs the mode; deletes the cluster, exports nothing", async () => {
    const { cluster, calls } = fakeCluster({ configMode: "nftables", readyAfter: 1 });
    const docker = fakeDocker("nftables");
    const log = await smokeCheck(cluster, { ...options, exec: docker.exec });
    expect(log).to.deep.equal([
      `nodes Ready: ${NODES.join(", ")}`,
      `kube-proxy on ${NODES[0]}: nftables`,
      `kube-proxy on ${NODES[1]}: nftables`,
    ]);
    expect(docker.calls).to.deep.equal(NODES.map((n) => ["docker", ...proxyModeArgs(n)]));
    expect(calls).to.deep.equal(["get ConfigMap kube-system/kube-proxy", "stop"]);
  });

  it("on a wrong running mode: exports the logs, deletes the cluster, names what it saw", async () => {
    const { cluster, calls } = fakeCluster({ configMode: "nftables" });
    const docker = fakeDocker("iptables");
    let error: Error | undefined;
    await smokeCheck(cluster, { ...options, exec: docker.exec }).catch((e: Error) => (error = e));
    expect(error?.message).to.match(
      /kind smoke \(nftables, cluster xdsc-ab12\): kube-proxy on xdsc-ab12-control-plane: expected mode nftables, got "iptables" \(logs in \/tmp\/smoke-logs\/xdsc-ab12\)/,
    );
    expect(calls.slice(-2)).to.deep.equal(["export /tmp/smoke-logs/xdsc-ab12", "stop"]);
  });

  it("on a wrong configured mode: fails before asking the nodes", async () => {
    const { cluster, calls } = fakeCluster({ configMode: "iptables" });
    const docker = fakeDocker("nftables");
    let error: Error | undefined;
    await smokeCheck(cluster, { ...options, exec: docker.exec }).catch((e: Error) => (error = e));
    expect(error?.message).to.match(/config.conf mode: expected nftables, got "iptables"/);
    expect(docker.calls).to.deep.equal([]);
    expect(calls).to.include("stop");
  });
});
