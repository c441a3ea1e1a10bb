// The ordering suite judges control planes we do not run: a small control plane written for this test
// (its own process, @grpc/grpc-js + harness/proto) serves real Envoy through the tap. Sending a route
// before the cluster it uses, it fails the ordering analysis from the transcript alone; sending the
// same resources in make-before-break order, it passes.
import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EnvoyProcess, type StartedEnvoy } from "../../harness/dataplanes/envoy-process.ts";
import { ENDPOINT_TYPE_URL } from "../../harness/proto/type-urls.ts";
import { Tap } from "../../harness/tap/tap.ts";
import { EchoBackend, type StartedEchoBackend } from "../../harness/traffic/echo-backend.ts";
import { startChild, type ChildHandle } from "../../harness/util/child.ts";
import { freePort } from "../../harness/util/free-port.ts";
import { projectPath } from "../../harness/util/paths.ts";
import { orderingVerdict } from "../../suites/ordering/transcript-verdict.ts";

/** The control plane double: SotW ADS; "rds-first" sends CDS empty, LDS, RDS, and the cluster last. */
const CP_SOURCE = (root: string) => `
import * as grpc from "${root}/node_modules/@grpc/grpc-js";
import { ADS_SERVICE, serviceDefinition } from "${root}/harness/proto/services.ts";
import { encodeResource } from "${root}/harness/proto/codec.ts";
import { CLUSTER_TYPE_URL as CDS, ENDPOINT_TYPE_URL as EDS, LISTENER_TYPE_URL as LDS, ROUTE_TYPE_URL as RDS } from "${root}/harness/proto/type-urls.ts";
const [mode, backendPort, listenerPort] = process.argv.slice(2);
const ads = { ads: {}, resource_api_version: "V3" };
const cluster = { name: "backend", type: "EDS", connect_timeout: "1s", eds_cluster_config: { eds_config: ads } };
const cla = { cluster_name: "backend", endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: Number(backendPort) } } } }] }] };
const hcm = { "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
  stat_prefix: "ingress", rds: { route_config_name: "routes", config_source: ads },
  http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } }] };
const listener = { name: "ingress", address: { socket_address: { address: "127.0.0.1", port_value: Number(listenerPort) } },
  filter_chains: [{ filters: [{ name: "envoy.filters.network.http_connection_manager", typed_config: hcm }] }] };
const routes = { name: "routes", virtual_hosts: [{ name: "all", domains: ["*"], routes: [{ match: { prefix: "/" }, route: { cluster: "backend" } }] }] };
const state = { [CDS]: mode === "good" ? [cluster] : [], [EDS]: [cla], [LDS]: [listener], [RDS]: [routes] };
const nameOf = (t, r) => (t === EDS ? r.cluster_name : r.name);
let nonce = 0;
let clusterSent = mode === "good";
const server = new grpc.Server();
server.addService(serviceDefinition(ADS_SERVICE), {
  DeltaAggregatedResources: (call) => call.end(),
  StreamAggregatedResources: (call) => {
    const names = {};
    const send = (t, version) => {
      const rs = state[t].filter((r) => t === CDS || t === LDS || (names[t] ?? []).includes(nameOf(t, r)));
      if (rs.length === 0 && (t === EDS || t === RDS)) return;
      call.write({ versionInfo: version, typeUrl: t, nonce: String(++nonce),
        resources: rs.map((r) => ({ typeUrl: t, value: encodeResource(t, r) })) });
    };
    call.on("data", (req) => {
      const t = req.typeUrl;
      const before = JSON.stringify(names[t] ?? []);
      names[t] = [...req.resourceNames];
      if (!req.responseNonce || JSON.stringify(names[t]) !== before) return send(t, "1");
      // The misbehaviour: only once the route that uses it is ACKed, the cluster follows.
      if (t === RDS && !req.errorDetail && !clusterSent) {
        clusterSent = true;
        state[CDS] = [cluster];
        send(CDS, "2");
      }
    });
    call.on("end", () => call.end());
    call.on("error", () => undefined);
  },
});
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) throw err;
  console.log("listening " + port);
});
`;

describe("e2e: the ordering analysis judges an external control plane through the tap", function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "xdsc-ext-cp-"));
    await writeFile(join(dir, "cp.ts"), CP_SOURCE(projectPath()));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  async function runAgainst(mode: "rds-first" | "good") {
    let cp: ChildHandle | undefined;
    let tap: Tap | undefined;
    let envoy: StartedEnvoy | undefined;
    let backend: StartedEchoBackend | undefined;
    try {
      backend = await new EchoBackend("backend").start();
      const listenerPort = await freePort();
      cp = await startChild(
        process.execPath,
        ["--import", "tsx", join(dir, "cp.ts"), mode, String(backend.port), String(listenerPort)],
        { name: `cp-double-${mode}`, cwd: projectPath() },
      );
      const line = await cp.waitForLine(/^listening \d+/, 15_000);
      const port = Number(line.split(" ")[1]);
      tap = await new Tap(`127.0.0.1:${port}`).start();
      envoy = await new EnvoyProcess()
        .withXds({ address: tap.address, transport: "sotw", mode: "ads", initialFetchTimeoutMs: 0 })
        .start();
      await tap.waitFor(
        (e) => e.classification === "ack" && e.typeUrl === ENDPOINT_TYPE_URL,
        "ACK of the endpoints of cluster backend",
        20_000,
      );
      await envoy.waitForReady({ timeoutMs: 15_000 });
      return orderingVerdict(tap.entries(), [
        "cds-before-eds",
        "cds-before-reference",
        "eds-before-reference",
      ]);
    } finally {
      await envoy?.stop();
      await tap?.stop();
      await cp?.stop({ graceMs: 2000 });
      await backend?.stop();
    }
  }

  it("fails a control plane that sends the route before its cluster", async () => {
    const v = await runAgainst("rds-first");
    expect(v.verdict).to.equal("fail");
    expect(v.reason).to.match(
      /cds-before-reference: RDS response .*"routes" references cluster "backend" before it was sent/,
    );
  });

  it("passes the same control plane sending in make-before-break order", async () => {
    const v = await runAgainst("good");
    expect(v.verdict, v.reason).to.equal("pass");
  });
});
