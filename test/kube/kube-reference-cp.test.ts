// The kube-driven control plane end to end: real kube-apiserver + etcd (harness/clusters/local), the
// kube-reference CP watching Services and EndpointSlices through the API, and real Envoy in a pod. The test
// only writes Kubernetes objects; after each write it waits for the CP's push made from exactly the
// written resourceVersions and for Envoy's ACKs (quiescence), then sends traffic: Envoy must follow
// every endpoint change (not ready, removal, a new pod) and a Service removal, with no sleep anywhere.
import { expect } from "chai";
import { fileURLToPath } from "node:url";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { kubeBinaries, BUILD_TIMEOUT_MS } from "../../harness/clusters/local/binaries.ts";
import {
  LocalCluster,
  type LocalPod,
  type StartedLocalCluster,
} from "../../harness/clusters/local/local-cluster.ts";
import { listNetns } from "../../harness/clusters/local/netns.ts";
import {
  endpointSliceFor,
  type EndpointSlice,
  type Service,
  type SliceEndpoint,
} from "../../harness/clusters/kube-types.ts";
import {
  KubeReferenceControlPlane,
  NODE_NAME_METADATA,
  sourceKey,
  type KubePush,
  type StartedKubeReferenceControlPlane,
} from "../../harness/controlplanes/kube-reference.ts";
import { envoyBootstrapYaml } from "../../harness/dataplanes/envoy-bootstrap.ts";
import { findEnvoy } from "../../harness/dataplanes/envoy-binary.ts";
import {
  CLUSTER_TYPE_URL,
  ENDPOINT_TYPE_URL,
  LISTENER_TYPE_URL,
  ROUTE_TYPE_URL,
} from "../../harness/proto/type-urls.ts";
import { isProcessAlive } from "../../harness/util/child.ts";
import type { RequestEvent } from "../../harness/xds/events.ts";
import { requireLocalCluster, sendRequests } from "./support.ts";
import http from "node:http";

const POD_ECHO = fileURLToPath(new URL("../../harness/clusters/local/pod-echo.mjs", import.meta.url));
const HOST = "echo.default.svc.cluster.local";
const PORTS = [{ name: "http", port: 8080, protocol: "TCP" as const }];
const PUSH_TIMEOUT_MS = 30_000;

const service: Service = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "echo", namespace: "default" },
  spec: { clusterIP: "10.96.0.20", ports: [{ name: "http", port: 80, targetPort: 8080 }] },
};

describe("kube-reference: the reference translator as a control plane watching the local cluster", function () {
  let cluster: StartedLocalCluster | undefined;
  let cp: StartedKubeReferenceControlPlane | undefined;
  const pods = new Map<string, LocalPod>();
  let client: LocalPod;
  let bridge: { address: string; stop(): Promise<void> } | undefined;
  const nodeId = "kube-reference-e2e";
  const nacks: RequestEvent[] = [];
  const pids: number[] = [];
  let prefix = "";

  const endpoints = (spec: Record<string, Partial<SliceEndpoint>>): SliceEndpoint[] =>
    Object.entries(spec).map(([name, e]) => ({ ip: pods.get(name)!.ip, podName: name, ...e }));

  /** Writes objects, then waits for the CP's push made from exactly what the API server stored. */
  async function write(objects: (Service | EndpointSlice)[], removed: (Service | EndpointSlice)[] = []) {
    const stored: (Service | EndpointSlice)[] = [];
    for (const o of objects) stored.push(await cluster!.client.apply(o as never));
    for (const o of removed) await cluster!.client.delete(o as never);
    const present = new Map(
      stored.map((o: Service | EndpointSlice) => [
        sourceKey(o),
        (o.metadata as { resourceVersion?: string }).resourceVersion!,
      ]),
    );
    const push = await cp!.waitForSources(nodeId, present, removed.map(sourceKey), PUSH_TIMEOUT_MS);
    await cp!.server.waitForQuiescence(nodeId, 15_000);
    const bad = push.result.steps.filter((s) => s.outcome === "timeout" || s.outcome === "nacked");
    expect(bad, `push ${push.version}: steps not ACKed`).to.deep.equal([]);
    expect(nacks.map((n) => n.errorDetail?.message)).to.deep.equal([]);
    return push;
  }

  const slice = (spec: Record<string, Partial<SliceEndpoint>>) =>
    endpointSliceFor(service, endpoints(spec), PORTS);
  const types = (push: KubePush) => push.result.steps.map((s) => s.typeUrl.split(".").pop());

  before(async function () {
    await requireLocalCluster(this);
    this.timeout(BUILD_TIMEOUT_MS);
    const bins = await kubeBinaries();
    this.timeout(120_000);
    cluster = await new LocalCluster().withBinaries(bins).start();
    prefix = cluster.netnsPrefix;
    for (const name of ["echo-0", "echo-1", "echo-2"]) {
      const pod = await cluster.addPod(name);
      pods.set(name, pod);
      const echo = await cluster.startInPod(pod, process.execPath, [POD_ECHO, name, pod.ip, "8080"], {
        name: "pod-echo",
      });
      await echo.waitForLine(/^listening /, 15_000);
    }
    client = await cluster.addPod("client");
    cp = await new KubeReferenceControlPlane(cluster.client)
      .withNamespace("default")
      .withTranslateOptions({ listenerAddress: "127.0.0.1", listenerPort: 15001 })
      .start();
    cp.server.on("request", (e) => e.classification === "nack" && nacks.push(e));
  });

  after(async function () {
    this.timeout(60_000);
    await bridge?.stop();
    await cp?.stop();
    if (cluster) pids.push(...cluster.processIds);
    await cluster?.stop();
  });

  it("pushes the Service and its endpoints to Envoy when it connects (CDS, EDS, LDS, RDS in order)", async function () {
    this.timeout(90_000);
    // Objects written before Envoy exists: the CP has them from its LIST/watch and pushes on connect.
    const svc = await cluster!.client.apply(service);
    const first = await cluster!.client.apply(slice({ "echo-0": {}, "echo-1": {} }));
    const xds = await cluster!.exposeToPod(client, cp!.server.port);
    const bootstrap = join(cluster!.dir, "kube-reference-envoy.yaml");
    writeFileSync(
      bootstrap,
      envoyBootstrapYaml({
        node: { id: nodeId, cluster: "kube", metadata: { [NODE_NAME_METADATA]: cluster!.nodeName } },
        xds: { mode: "ads", transport: "sotw", address: xds.address },
      }),
    );
    const envoy = await cluster!.startInPod(
      client,
      findEnvoy(),
      ["-c", bootstrap, "--log-level", "warning", "--concurrency", "1", "--disable-hot-restart"],
      { name: "envoy", logFile: join(cluster!.dir, "kube-reference-envoy.log") },
    );
    pids.push(envoy.pid);
    const present = new Map([
      [
        sourceKey({ ...svc, kind: "Service" }),
        (svc.metadata as { resourceVersion?: string }).resourceVersion!,
      ],
      [
        sourceKey({ ...first, kind: "EndpointSlice" }),
        (first.metadata as { resourceVersion?: string }).resourceVersion!,
      ],
    ]);
    const push = await cp!.waitForSources(nodeId, present, [], PUSH_TIMEOUT_MS).catch((e: Error) => {
      throw new Error(`${e.message}; envoy said:\n${envoy.logs(20)}`);
    });
    await cp!.server.waitForQuiescence(nodeId, 15_000);
    // make-before-break: clusters, then their endpoints, then the listener, then its routes, each ACKed.
    expect(types(push)).to.deep.equal(
      [CLUSTER_TYPE_URL, ENDPOINT_TYPE_URL, LISTENER_TYPE_URL, ROUTE_TYPE_URL].map((t) => t.split(".").pop()),
    );
    const unacked = push.result.steps.filter((s) =>
      ["timeout", "nacked", "no-subscriber"].includes(s.outcome),
    );
    expect(unacked, "steps the connected Envoy did not take").to.deep.equal([]);
    bridge = await cluster!.connectFromPod(client, "127.0.0.1:15001");
    const tally = await sendRequests(bridge.address, 30, HOST);
    expect(Object.keys(tally).sort(), JSON.stringify(tally)).to.deep.equal(["echo-0", "echo-1"]);
  });

  it("follows an endpoint that becomes not ready", async function () {
    this.timeout(60_000);
    const push = await write([slice({ "echo-0": {}, "echo-1": { ready: false } })]);
    expect(types(push), "only the endpoints changed").to.deep.equal(["ClusterLoadAssignment"]);
    expect(await sendRequests(bridge!.address, 20, HOST)).to.deep.equal({ "echo-0": 20 });
  });

  it("follows an endpoint's removal and a new pod", async function () {
    this.timeout(60_000);
    await write([slice({ "echo-0": {} })]);
    expect(await sendRequests(bridge!.address, 10, HOST)).to.deep.equal({ "echo-0": 10 });
    await write([slice({ "echo-0": {}, "echo-2": {} })]);
    const tally = await sendRequests(bridge!.address, 30, HOST);
    expect(Object.keys(tally).sort(), JSON.stringify(tally)).to.deep.equal(["echo-0", "echo-2"]);
  });

  it("removes the Service's cluster and route once the Service and its slice are deleted", async function () {
    this.timeout(60_000);
    const push = await write([], [service, slice({})]);
    const names = push.translation.clusters.map((c) => c.name);
    expect(names.filter((n) => String(n).includes(HOST))).to.deep.equal([]);
    expect(await statusOf(bridge!.address, HOST), "no route for a deleted Service").to.equal(404);
  });

  it("stops everything it started", async function () {
    this.timeout(60_000);
    await bridge?.stop();
    bridge = undefined;
    await cp!.stop();
    expect(cp!.server.streams(), "xDS streams after stop").to.deep.equal([]);
    pids.push(...cluster!.processIds);
    await cluster!.stop();
    expect(listNetns(prefix), "network namespaces").to.deep.equal([]);
    expect(pids.filter(isProcessAlive), "processes still alive").to.deep.equal([]);
  });
});

function statusOf(address: string, host: string): Promise<number> {
  const [hostname, port] = address.split(":");
  return new Promise((resolve, reject) => {
    const req = http.get(
      { hostname, port: Number(port), path: "/", agent: false, headers: { host } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.setTimeout(5000, () => req.destroy(new Error(`GET http://${address}/: no answer after 5000ms`)));
    req.on("error", reject);
  });
}
