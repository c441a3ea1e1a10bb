// The local provider end to end: real etcd + kube-apiserver + kube-proxy (built or reused through
// scripts/build-kube.sh), three echo pods behind a Service, a client pod that reaches the ClusterIP
// through kube-proxy in iptables and nftables modes, and Envoy in the client pod reaching the same pods
// on the translator's xDS from the reference server. Afterwards nothing may remain: no namespace, no
// process, no rule in the root namespace.
import { expect } from "chai";
import { fileURLToPath } from "node:url";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kubeBinaries, BUILD_TIMEOUT_MS, type KubeBinaries } from "../../harness/clusters/local/binaries.ts";
import {
  LocalCluster,
  type LocalPod,
  type StartedLocalCluster,
} from "../../harness/clusters/local/local-cluster.ts";
import { proxyModeSupport } from "../../harness/clusters/local/kube-proxy.ts";
import { listNetns, nsExec } from "../../harness/clusters/local/netns.ts";
import { endpointSliceFor, type Service, type SliceEndpoint } from "../../harness/clusters/kube-types.ts";
import { translateServices } from "../../harness/translate/services.ts";
import { ReferenceServer } from "../../harness/xds/server.ts";
import { envoyBootstrapYaml } from "../../harness/dataplanes/envoy-bootstrap.ts";
import { findEnvoy } from "../../harness/dataplanes/envoy-binary.ts";
import { ENDPOINT_TYPE_URL, LISTENER_TYPE_URL, ROUTE_TYPE_URL } from "../../harness/proto/type-urls.ts";
import { isProcessAlive } from "../../harness/util/child.ts";
import { getReaper } from "../../harness/util/reaper.ts";
import { requireLocalCluster, rootRules, sendRequests, waitForAcks } from "./support.ts";

const POD_ECHO = fileURLToPath(new URL("../../harness/clusters/local/pod-echo.mjs", import.meta.url));
const CLUSTER_IP = "10.96.0.10";
const PORTS = [{ name: "http", port: 8080, protocol: "TCP" as const }];

const service: Service = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "echo", namespace: "default" },
  spec: {
    clusterIP: CLUSTER_IP,
    ports: [{ name: "http", port: 80, targetPort: 8080 }],
    selector: { app: "echo" },
  },
};

describe("local cluster: real kube-apiserver + kube-proxy, pods as network namespaces", function () {
  let bins: KubeBinaries;
  let cluster: StartedLocalCluster | undefined;
  const echoPods: LocalPod[] = [];
  let client: LocalPod;
  let rulesBefore: string;
  let prefix = "";
  const pids: number[] = [];

  const allReady = (): SliceEndpoint[] => echoPods.map((p) => ({ ip: p.ip, podName: p.name }));
  const applySlice = (endpoints: SliceEndpoint[]) =>
    cluster!.client.apply(endpointSliceFor(service, endpoints, PORTS));

  before(async function () {
    await requireLocalCluster(this);
    this.timeout(BUILD_TIMEOUT_MS);
    bins = await kubeBinaries();
    rulesBefore = await rootRules();
    this.timeout(180_000);
    const startedAt = Date.now();
    cluster = await new LocalCluster().withBinaries(bins).withProxyMode("iptables").start();
    prefix = cluster.netnsPrefix;
    console.log(
      `      local cluster ${cluster.name} (kube ${bins.kubeVersion}) started in ${Date.now() - startedAt}ms`,
    );
    for (const name of ["echo-0", "echo-1", "echo-2"]) {
      const pod = await cluster.addPod(name);
      const echo = await cluster.startInPod(pod, process.execPath, [POD_ECHO, name, pod.ip, "8080"], {
        name: "pod-echo",
      });
      await echo.waitForLine(/^listening /, 10_000);
      pids.push(echo.pid);
      echoPods.push(pod);
    }
    client = await cluster.addPod("client");
    await cluster.client.apply(service);
    await applySlice(allReady());
  });

  after(async function () {
    this.timeout(60_000);
    await cluster?.stop();
  });

  for (const mode of ["iptables", "nftables"] as const) {
    it(`${mode}: the client pod reaches all three pods through the ClusterIP, and only the terminating one once none is ready`, async function () {
      this.timeout(90_000);
      if (cluster!.proxyMode !== mode) await cluster!.setProxyMode(mode);
      pids.push(cluster!.kubeProxy.pid);
      await applySlice(allReady());
      await cluster!.waitForProxyRules([CLUSTER_IP, ...echoPods.map((p) => p.ip)]);
      // The rules are this mode's only: kube-proxy's nftables table or its iptables chains, not both
      // (switching modes runs `kube-proxy --cleanup`).
      const nft = await nsExec(cluster!.nodeNs, "nft", ["list", "tables"]);
      const iptables = await nsExec(cluster!.nodeNs, "iptables-save", ["-t", "nat"]);
      expect({
        nftTable: nft.includes("table ip kube-proxy"),
        iptablesChains: iptables.includes(":KUBE-SERVICES"),
      }).to.deep.equal(
        mode === "nftables"
          ? { nftTable: true, iptablesChains: false }
          : { nftTable: false, iptablesChains: true },
      );
      const bridge = await cluster!.connectFromPod(client, `${CLUSTER_IP}:80`);
      try {
        const tally = await sendRequests(bridge.address, 30);
        expect(Object.keys(tally).sort(), JSON.stringify(tally)).to.deep.equal([
          "echo-0",
          "echo-1",
          "echo-2",
        ]);

        // kube-proxy's fallback: no ready endpoint, one serving+terminating, one neither.
        await applySlice([
          { ip: echoPods[0]!.ip, ready: false, serving: false, terminating: true },
          { ip: echoPods[1]!.ip, ready: false, serving: true, terminating: true },
        ]);
        await cluster!.waitForProxyRules([echoPods[1]!.ip], 30_000, [echoPods[0]!.ip, echoPods[2]!.ip]);
        expect(await sendRequests(bridge.address, 10)).to.deep.equal({ "echo-1": 10 });
      } finally {
        await bridge.stop();
      }
    });
  }

  it("ipvs: reported as skipped when the kernel lacks IPVS", function () {
    const support = proxyModeSupport("ipvs");
    if (!support.supported) {
      expect(support.reason).to.equal("kernel lacks IPVS");
      console.log(`      skipped: ${support.reason}`);
      this.skip();
    }
  });

  it("Envoy in the client pod, fed the translator's xDS by the reference server, reaches the same pods and falls back the same way", async function () {
    this.timeout(90_000);
    await applySlice(allReady());
    const stored = await cluster!.client.list(
      "discovery.k8s.io/v1",
      "EndpointSlice",
      "default",
      "kubernetes.io/service-name=echo",
    );
    const translation = translateServices([service], stored as never, {
      listenerAddress: "127.0.0.1",
      listenerPort: 15001,
    });
    const server = await new ReferenceServer().start();
    const dir = mkdtempSync(join(tmpdir(), "xdsc-kube-envoy-"));
    getReaper().register({ kind: "dir", value: dir });
    try {
      const nodeId = `kube-${cluster!.name}`;
      await server.apply(nodeId, { version: "1", resources: translation.resources });
      const xds = await cluster!.exposeToPod(client, server.port);
      const bootstrap = join(dir, "bootstrap.yaml");
      writeFileSync(
        bootstrap,
        envoyBootstrapYaml({
          node: { id: nodeId, cluster: "kube" },
          xds: { mode: "ads", transport: "sotw", address: xds.address },
        }),
      );
      const acked = waitForAcks(server, nodeId, [LISTENER_TYPE_URL, ROUTE_TYPE_URL], "1", 30_000);
      const envoy = await cluster!.startInPod(
        client,
        findEnvoy(),
        [
          "-c",
          bootstrap,
          "--log-level",
          "warning",
          "--concurrency",
          "1",
          "--disable-hot-restart",
          "--use-dynamic-base-id",
        ],
        { name: "envoy", logFile: join(dir, "envoy.log") },
      );
      pids.push(envoy.pid);
      await acked.catch((e: Error) =>
        Promise.reject(new Error(`${e.message}; envoy said:\n${envoy.logs(20)}`)),
      );
      const bridge = await cluster!.connectFromPod(client, "127.0.0.1:15001");
      const tally = await sendRequests(bridge.address, 30, "echo.default.svc.cluster.local");
      expect(Object.keys(tally).sort(), JSON.stringify(tally)).to.deep.equal(["echo-0", "echo-1", "echo-2"]);

      // The same fallback as kube-proxy: no ready endpoint, so priority 1 (serving-terminating) serves.
      const fallback = endpointSliceFor(
        service,
        [
          { ip: echoPods[0]!.ip, ready: false, serving: false, terminating: true },
          { ip: echoPods[1]!.ip, ready: false, serving: true, terminating: true },
        ],
        PORTS,
      );
      const v2 = translateServices([service], [fallback], {
        listenerAddress: "127.0.0.1",
        listenerPort: 15001,
      });
      const edsAcked = waitForAcks(server, nodeId, [ENDPOINT_TYPE_URL], "2", 30_000);
      await server.apply(nodeId, { version: "2", resources: v2.resources });
      await edsAcked;
      expect(await sendRequests(bridge.address, 10, "echo.default.svc.cluster.local")).to.deep.equal({
        "echo-1": 10,
      });
      await bridge.stop();
      await xds.stop();
      await envoy.stop();
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
      getReaper().unregister({ kind: "dir", value: dir });
    }
  });

  it("leaves no namespace, process or root-namespace rule behind after stop", async function () {
    this.timeout(60_000);
    pids.push(...cluster!.processIds);
    await cluster!.stop();
    expect(listNetns(prefix), "network namespaces").to.deep.equal([]);
    expect(pids.filter(isProcessAlive), "processes still alive").to.deep.equal([]);
    expect(await rootRules(), "root namespace iptables/nft rules").to.equal(rulesBefore);
  });
});
