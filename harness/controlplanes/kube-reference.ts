// `kube-reference`: the reference translator (harness/translate) as a control plane that watches a
// Kubernetes cluster, the way a mesh control plane (istiod) does. It lists and watches Services and
// EndpointSlices through the API (kube-watch.ts), translates the cache on every change and pushes the
// result through the reference server, whose ordering policy (make-before-break by default) decides the
// order of CDS/EDS/LDS/RDS and waits for ACKs. It is configured by Kubernetes objects only: there is no
// snapshot API (apply() refuses), so harness code waits on its pushes (`waitForSources`).
//
// Each data plane that connects is a node of its own, translated for the Kubernetes node it says it runs
// on: node metadata NODE_NAME (as istio-agent sets it), for internalTrafficPolicy Local.
import { EventEmitter } from "node:events";
import type { KubeClient } from "../clusters/kube-client.ts";
import type { EndpointSlice, Service } from "../clusters/kube-types.ts";
import type { Node } from "../proto/discovery.ts";
import { translateWithFault, type TranslatorFault } from "../translate/faults.ts";
import type { TranslateOptions, Translation } from "../translate/services.ts";
import type { RequestEvent } from "../xds/events.ts";
import { ReferenceServer, type ApplyResult, type ReferenceServerOptions } from "../xds/server.ts";
import { KubeInformer } from "./kube-watch.ts";
import { REFERENCE_VERSION } from "./reference.ts";
import type { ControlPlaneBuilder, ControlPlaneSnapshot, StartedControlPlane } from "./types.ts";

export const KUBE_REFERENCE_NAME = "xdsc-kube-reference";
/** The node metadata key naming the Kubernetes node a proxy runs on (istio-agent's NODE_NAME). */
export const NODE_NAME_METADATA = "NODE_NAME";

/** `Service/<ns>/<name>` or `EndpointSlice/<ns>/<name>`. */
export const sourceKey = (o: { kind?: string; metadata: { name: string; namespace?: string } }) =>
  `${o.kind}/${o.metadata.namespace ?? "default"}/${o.metadata.name}`;

/** One push of one translation to one node. */
export interface KubePush {
  /** Increases with every change of the watched objects. */
  generation: number;
  /** The version label served (`k<generation>`). */
  version: string;
  nodeId: string;
  /** sourceKey → resourceVersion of every object the translation was made from. */
  sources: ReadonlyMap<string, string>;
  translation: Translation;
  result: ApplyResult;
}

export class KubeReferenceControlPlane implements ControlPlaneBuilder {
  private namespace?: string;
  private translate: TranslateOptions = {};
  private fault?: TranslatorFault;
  private server: ReferenceServerOptions = {};

  constructor(private readonly client: KubeClient) {}

  /** Watch one namespace only (default: every namespace). */
  withNamespace(namespace: string): this {
    this.namespace = namespace;
    return this;
  }

  /** Listener address/port, cluster domain (the node name comes from each node's metadata). */
  withTranslateOptions(options: Omit<TranslateOptions, "nodeName">): this {
    this.translate = { ...options };
    return this;
  }

  /** A translator bug (harness/translate/faults.ts), for known-bad twins. */
  withTranslatorFault(fault: TranslatorFault | undefined): this {
    this.fault = fault;
    return this;
  }

  /** The reference server's options (ordering policy, fault modes, ACK timeout). */
  withServerOptions(options: ReferenceServerOptions): this {
    this.server = { ...options };
    return this;
  }

  async start(): Promise<StartedKubeReferenceControlPlane> {
    const server = await new ReferenceServer(this.server).start();
    const credentials = this.client.credentials;
    const services = new KubeInformer<Service>(credentials, "v1", "Service", this.namespace);
    const slices = new KubeInformer<EndpointSlice>(
      credentials,
      "discovery.k8s.io/v1",
      "EndpointSlice",
      this.namespace,
    );
    const cp = new StartedKubeReferenceControlPlane(server, services, slices, this.translate, this.fault);
    try {
      await cp.boot();
    } catch (error) {
      await cp.stop();
      throw error;
    }
    return cp;
  }
}

export class StartedKubeReferenceControlPlane
  extends EventEmitter<{ push: [KubePush] }>
  implements StartedControlPlane
{
  readonly name = KUBE_REFERENCE_NAME;
  readonly version = REFERENCE_VERSION;
  readonly features = ["sotw", "delta", "ads", "per-type", "kube"];
  private generation = 0;
  private dirty = true;
  /** nodeId → the Kubernetes node it runs on ("" when it did not say). */
  private readonly nodes = new Map<string, string>();
  private readonly newNodes = new Set<string>();
  private readonly lastPush = new Map<string, KubePush>();
  private running?: Promise<void>;
  private stopped = false;
  private pushError?: Error;
  private readonly onRequest = (e: RequestEvent) => {
    if (this.nodes.has(e.nodeId)) return;
    this.nodes.set(e.nodeId, nodeNameOf(e.node) ?? "");
    this.newNodes.add(e.nodeId);
    this.kick();
  };
  private readonly onChange = () => {
    this.dirty = true;
    this.kick();
  };

  constructor(
    readonly server: ReferenceServer,
    private readonly services: KubeInformer<Service>,
    private readonly slices: KubeInformer<EndpointSlice>,
    private readonly options: TranslateOptions,
    private readonly fault: TranslatorFault | undefined,
  ) {
    super();
  }

  get address(): string {
    return this.server.address;
  }

  /** @internal */
  async boot(): Promise<void> {
    this.server.on("request", this.onRequest);
    for (const informer of [this.services, this.slices]) {
      informer.on("change", this.onChange);
      // Watch errors are retried by the informer; they show in waitForSources' message meanwhile.
      informer.on("error", () => undefined);
      await informer.start();
    }
    this.kick();
  }

  /** Kube-driven: the state comes from the cluster's objects, never from a snapshot. */
  apply(nodeId: string, snapshot: ControlPlaneSnapshot): Promise<void> {
    return Promise.reject(
      new Error(
        `${this.name}: expected Kubernetes objects (it watches Services and EndpointSlices), got a snapshot "${snapshot.version}" for node "${nodeId}"`,
      ),
    );
  }

  /** The latest push to a node, if any. */
  pushedTo(nodeId: string): KubePush | undefined {
    return this.lastPush.get(nodeId);
  }

  /**
   * Resolves with the first push to nodeId (the latest one included) made from every `present` object at
   * exactly its resourceVersion and from none of the `absent` keys — i.e. once the change the caller
   * wrote to the API server has gone through the watch, the translator and the ordering policy.
   */
  waitForSources(
    nodeId: string,
    present: ReadonlyMap<string, string>,
    absent: readonly string[],
    timeoutMs: number,
  ): Promise<KubePush> {
    const matches = (p: KubePush | undefined) =>
      p !== undefined &&
      p.nodeId === nodeId &&
      [...present].every(([k, rv]) => p.sources.get(k) === rv) &&
      absent.every((k) => !p.sources.has(k));
    const latest = this.lastPush.get(nodeId);
    if (matches(latest)) return Promise.resolve(latest!);
    return new Promise((resolve, reject) => {
      const onPush = (p: KubePush) => matches(p) && finish(undefined, p);
      const timer = setTimeout(() => {
        const last = this.lastPush.get(nodeId);
        const want = [...[...present].map(([k, rv]) => `${k}@${rv}`), ...absent.map((k) => `no ${k}`)];
        const seen = last
          ? `push ${last.version} from ${[...last.sources].map(([k, rv]) => `${k}@${rv}`).join(", ") || "nothing"}`
          : `no push to that node (nodes seen: ${[...this.nodes.keys()].join(", ") || "none"})`;
        const errors = [this.services.lastError, this.slices.lastError, this.pushError]
          .filter(Boolean)
          .map(String);
        finish(
          new Error(
            `${this.name}: expected a push to node "${nodeId}" from ${want.join(", ")}, not seen after ${timeoutMs}ms; last: ${seen}${errors.length ? `; errors: ${errors.join("; ")}` : ""}`,
          ),
        );
      }, timeoutMs);
      const finish = (error?: Error, push?: KubePush) => {
        clearTimeout(timer);
        this.off("push", onPush);
        if (error) reject(error);
        else resolve(push!);
      };
      this.on("push", onPush);
    });
  }

  /** One push loop at a time: changes that arrive while it pushes are taken in by its next round. */
  private kick(): void {
    if (this.running || this.stopped) return;
    this.running = this.pushLoop()
      // A push the server refused (e.g. a translation it cannot encode) is reported by waitForSources.
      .catch((error: unknown) => void (this.pushError = error as Error))
      .finally(() => {
        this.running = undefined;
        if (!this.stopped && (this.dirty || this.newNodes.size > 0)) this.kick();
      });
  }

  private async pushLoop(): Promise<void> {
    while (!this.stopped && (this.dirty || this.newNodes.size > 0)) {
      let targets: string[];
      if (this.dirty) {
        this.dirty = false;
        this.generation++;
        this.newNodes.clear();
        targets = [...this.nodes.keys()];
      } else {
        targets = [...this.newNodes];
        this.newNodes.clear();
      }
      const services = [...this.services.items.values()];
      const slices = [...this.slices.items.values()];
      const sources = new Map([...services, ...slices].map((o) => [sourceKey(o), rvOf(o)]));
      const version = `k${this.generation}`;
      await Promise.all(
        targets.map(async (nodeId) => {
          const nodeName = this.nodes.get(nodeId) || undefined;
          const translation = translateWithFault(services, slices, { ...this.options, nodeName }, this.fault);
          const result = await this.server.apply(nodeId, { version, resources: translation.resources });
          if (this.stopped) return;
          const push = { generation: this.generation, version, nodeId, sources, translation, result };
          this.lastPush.set(nodeId, push);
          this.emit("push", push);
        }),
      );
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.server.off("request", this.onRequest);
    await Promise.all([this.services.stop(), this.slices.stop()]);
    await this.server.stop();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

function rvOf(o: { metadata: object }): string {
  return (o.metadata as { resourceVersion?: string }).resourceVersion ?? "";
}

/** NODE_NAME from node metadata: a JSON object, or a google.protobuf.Struct message. */
export function nodeNameOf(node: Node | undefined): string | undefined {
  const md = node?.metadata as Record<string, unknown> | undefined;
  if (!md || typeof md !== "object") return undefined;
  const value =
    md[NODE_NAME_METADATA] ?? (md.fields as Record<string, unknown> | undefined)?.[NODE_NAME_METADATA];
  if (typeof value === "string") return value;
  const kind = (value as { kind?: { case?: string; value?: unknown } } | undefined)?.kind;
  return kind?.case === "stringValue" ? String(kind.value) : undefined;
}
