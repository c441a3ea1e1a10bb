// Path B: an Envoy sidecar in the "sidecar" pod, fed by the reference xDS server with the translator's
// output for the Services and EndpointSlices stored in the API server, and reached by transparent
// interception: an iptables REDIRECT in the pod's own network namespace sends every TCP connection to the
// Service CIDR to Envoy's outbound listener, as Istio's istio-iptables does (ISTIO_OUTPUT →
// ISTIO_REDIRECT → REDIRECT --to-ports 15001). Istio excludes the sidecar's own traffic by its uid (1337);
// here only the Service CIDR is redirected, and Envoy dials pod IPs only, which is equivalent.
import { waitForAcks } from "../../../harness/xds/wait-for-acks.ts";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { LocalPod, StartedLocalCluster } from "../../../harness/clusters/local/local-cluster.ts";
import { SERVICE_CIDR } from "../../../harness/clusters/local/local-cluster.ts";
import { nsExec } from "../../../harness/clusters/local/netns.ts";
import { envoyBootstrapYaml } from "../../../harness/dataplanes/envoy-bootstrap.ts";
import { findEnvoy } from "../../../harness/dataplanes/envoy-binary.ts";
import { LISTENER_TYPE_URL, ROUTE_TYPE_URL } from "../../../harness/proto/type-urls.ts";
import { translateWithFault, type TranslatorFault } from "../../../harness/translate/faults.ts";
import type { Translation } from "../../../harness/translate/services.ts";
import type { ChildHandle } from "../../../harness/util/child.ts";
import type { RequestEvent } from "../../../harness/xds/events.ts";
import { ReferenceServer } from "../../../harness/xds/server.ts";
import type { KubeState } from "./topology.ts";

export const OUTBOUND_PORT = 15001;
const ADMIN_PORT = 15000;

/** The interception rules, in Istio's chain shape; also shown as evidence. */
export const REDIRECT_RULES: string[][] = [
  ["-t", "nat", "-N", "XDSC_REDIRECT"],
  ["-t", "nat", "-A", "XDSC_REDIRECT", "-p", "tcp", "-j", "REDIRECT", "--to-ports", String(OUTBOUND_PORT)],
  ["-t", "nat", "-N", "XDSC_OUTPUT"],
  ["-t", "nat", "-A", "OUTPUT", "-p", "tcp", "-j", "XDSC_OUTPUT"],
  ["-t", "nat", "-A", "XDSC_OUTPUT", "-o", "lo", "-j", "RETURN"],
  ["-t", "nat", "-A", "XDSC_OUTPUT", "-d", SERVICE_CIDR, "-j", "XDSC_REDIRECT"],
];

export class Sidecar {
  private server?: ReferenceServer;
  private envoy?: ChildHandle;
  private version = 0;
  readonly nodeId: string;
  lastTranslation?: Translation;

  constructor(
    private readonly cluster: StartedLocalCluster,
    readonly pod: LocalPod,
    private readonly fault: TranslatorFault | undefined,
  ) {
    this.nodeId = `sidecar-${cluster.name}`;
  }

  /** Translates `state` (read back from the API server) and waits until Envoy has ACKed all of it. */
  async apply(state: KubeState): Promise<void> {
    const translation = translateWithFault(
      state.services,
      state.slices,
      { nodeName: this.cluster.nodeName, listenerAddress: "127.0.0.1", listenerPort: OUTBOUND_PORT },
      this.fault,
    );
    this.lastTranslation = translation;
    const version = String(++this.version);
    if (!this.server) return this.boot(version, translation);
    const nacks: RequestEvent[] = [];
    const onRequest = (e: RequestEvent) => e.classification === "nack" && nacks.push(e);
    this.server.on("request", onRequest);
    try {
      const result = await this.server.apply(this.nodeId, { version, resources: translation.resources });
      await this.server.waitForQuiescence(this.nodeId, 15_000);
      const bad = result.steps.filter((s) => s.outcome === "timeout" || s.outcome === "nacked");
      if (bad.length > 0 || nacks.length > 0)
        throw new Error(
          `sidecar xDS v${version}: expected every type ACKed, got ${[...bad.map((s) => `${s.typeUrl.split(".").pop()} ${s.outcome}`), ...nacks.map((n) => `NACK ${n.errorDetail?.message}`)].join("; ")}`,
        );
    } finally {
      this.server.off("request", onRequest);
    }
  }

  private async boot(version: string, translation: Translation): Promise<void> {
    const server = (this.server = await new ReferenceServer().start());
    for (const rule of REDIRECT_RULES) await nsExec(this.pod.netns, "iptables", rule);
    await server.apply(this.nodeId, { version, resources: translation.resources });
    const xds = await this.cluster.exposeToPod(this.pod, server.port);
    const bootstrap = join(this.cluster.dir, "sidecar-bootstrap.yaml");
    writeFileSync(
      bootstrap,
      envoyBootstrapYaml({
        node: { id: this.nodeId, cluster: "sidecar" },
        xds: { mode: "ads", transport: "sotw", address: xds.address },
        adminPort: ADMIN_PORT,
      }),
    );
    const acked = waitForAcks(server, this.nodeId, [LISTENER_TYPE_URL, ROUTE_TYPE_URL], version, 30_000);
    this.envoy = await this.cluster.startInPod(
      this.pod,
      findEnvoy(),
      ["-c", bootstrap, "--log-level", "warning", "--concurrency", "1", "--disable-hot-restart"],
      { name: "envoy", logFile: join(this.cluster.dir, "sidecar-envoy.log") },
    );
    await acked.catch((e: Error) =>
      Promise.reject(new Error(`${e.message}; envoy said:\n${this.envoy?.logs(20) ?? ""}`)),
    );
  }

  /** Envoy's /config_dump (with EDS) as JSON text, through a bridge into the pod. */
  async configDump(): Promise<string> {
    const bridge = await this.cluster.connectFromPod(this.pod, `127.0.0.1:${ADMIN_PORT}`);
    try {
      const res = await fetch(`http://${bridge.address}/config_dump?include_eds`);
      return await res.text();
    } finally {
      await bridge.stop();
    }
  }

  /** The pod's nat table: the interception rules as installed. */
  interceptionRules(): Promise<string> {
    return nsExec(this.pod.netns, "iptables-save", ["-t", "nat"]);
  }

  logs(): string {
    return this.envoy?.logs(50) ?? "";
  }

  /** Envoy and bridges stop with the cluster (they run in its pods); the server is ours. */
  async stop(): Promise<void> {
    await this.envoy?.stop({ graceMs: 2000 });
    await this.server?.stop();
  }
}
