import { expect } from "chai";
import { parseBuildOutput } from "./binaries.ts";
import { kubeProxyConfig, proxyModeSupport } from "./kube-proxy.ts";

describe("local provider: build output, kube-proxy config, mode support", () => {
  it("reads build-kube.sh's KEY=path lines and names a missing one", () => {
    const out = "noise\nKUBE_VERSION=v1.37.2\nKUBE_APISERVER=/c/a\nKUBE_PROXY=/c/p\nETCD=/usr/bin/etcd\n";
    expect(parseBuildOutput(out)).to.deep.equal({
      kubeVersion: "v1.37.2",
      kubeApiserver: "/c/a",
      kubeProxy: "/c/p",
      etcd: "/usr/bin/etcd",
    });
    expect(() => parseBuildOutput("KUBE_VERSION=v1\n")).to.throw(/expected a KUBE_APISERVER=<path> line/);
  });

  it("reads whether the script reused its cache (KUBE_CACHE=hit|built)", () => {
    const out = "KUBE_VERSION=v1\nKUBE_APISERVER=/a\nKUBE_PROXY=/p\nETCD=/e\n";
    expect(parseBuildOutput(`${out}KUBE_CACHE=hit\n`).cache).to.equal("hit");
    expect(parseBuildOutput(`${out}KUBE_CACHE=built\n`).cache).to.equal("built");
    expect(() => parseBuildOutput(`${out}KUBE_CACHE=maybe\n`)).to.throw(/expected KUBE_CACHE=hit\|built/);
  });

  it("configures kube-proxy for the mode, with loopback-only ports and the kernel's conntrack left alone", () => {
    const config = kubeProxyConfig({ mode: "nftables", nodeName: "n1", clusterCidr: "10.244.0.0/24" }, "/k");
    expect(config).to.deep.include({
      mode: "nftables",
      hostnameOverride: "n1",
      clusterCIDR: "10.244.0.0/24",
    });
    expect(config.healthzBindAddress).to.match(/^127\.0\.0\.1:/);
    expect(config.metricsBindAddress).to.match(/^127\.0\.0\.1:/);
    expect(config.conntrack).to.deep.include({ maxPerCore: 0, min: 0 });
  });

  it("reports ipvs as unsupported with the reason when the kernel has no IPVS", () => {
    expect(proxyModeSupport("iptables")).to.deep.equal({ supported: true });
    const ipvs = proxyModeSupport("ipvs");
    if (!ipvs.supported) expect(ipvs.reason).to.equal("kernel lacks IPVS");
  });
});
