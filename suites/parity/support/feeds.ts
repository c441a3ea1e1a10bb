// What feeds the sidecar's Envoy (path B), chosen by the cell's control plane:
// - `reference`: the translator runs in the check's process on the objects read back from the API server,
//   and the result is applied to a reference server (make-before-break);
// - `kube-reference`: a control plane that watches the API server itself (harness/controlplanes/
//   kube-reference.ts) and pushes through its own reference server; the check only writes objects and
//   waits until the control plane has pushed a translation made from exactly those resourceVersions.
// Either way the translator fault of a known-bad twin is applied by whoever translates.
import type { StartedLocalCluster } from "../../../harness/clusters/local/local-cluster.ts";
import {
  KubeReferenceControlPlane,
  sourceKey,
  type StartedKubeReferenceControlPlane,
} from "../../../harness/controlplanes/kube-reference.ts";
import { translateWithFault, type TranslatorFault } from "../../../harness/translate/faults.ts";
import type { TranslateOptions, Translation } from "../../../harness/translate/services.ts";
import { ReferenceServer, type ApplyResult } from "../../../harness/xds/server.ts";
import { NAMESPACE, type KubeState } from "./topology.ts";

export type FeedKind = "reference" | "kube-reference";

export interface Pushed {
  version: string;
  translation: Translation;
  result: ApplyResult;
  /** What the translation was made from (sourceKey@resourceVersion), for evidence. */
  sources: string[];
}

export interface SidecarFeed {
  readonly kind: FeedKind;
  /** The reference server Envoy talks to (its events: ACKs, NACKs, quiescence). */
  readonly server: ReferenceServer;
  /** True when the state must be served before Envoy connects; false when the feed pushes on connect. */
  readonly servesBeforeConnect: boolean;
  /** Serves `state` (as stored in the API server) to the node; resolves once pushed. */
  push(nodeId: string, state: KubeState, gone: string[]): Promise<Pushed>;
  stop(): Promise<void>;
}

const PUSH_TIMEOUT_MS = 30_000;

export async function startFeed(
  kind: FeedKind,
  cluster: StartedLocalCluster,
  translate: TranslateOptions,
  fault: TranslatorFault | undefined,
): Promise<SidecarFeed> {
  if (kind === "kube-reference") {
    const cp = await new KubeReferenceControlPlane(cluster.client)
      .withNamespace(NAMESPACE)
      .withTranslateOptions(translate)
      .withTranslatorFault(fault)
      .start();
    return new KubeFeed(cp);
  }
  return new InProcessFeed(await new ReferenceServer().start(), cluster.nodeName, translate, fault);
}

class InProcessFeed implements SidecarFeed {
  readonly kind = "reference";
  readonly servesBeforeConnect = true;
  private version = 0;

  constructor(
    readonly server: ReferenceServer,
    private readonly nodeName: string,
    private readonly translate: TranslateOptions,
    private readonly fault: TranslatorFault | undefined,
  ) {}

  async push(nodeId: string, state: KubeState): Promise<Pushed> {
    const translation = translateWithFault(
      state.services,
      state.slices,
      { ...this.translate, nodeName: this.nodeName },
      this.fault,
    );
    const version = String(++this.version);
    const result = await this.server.apply(nodeId, { version, resources: translation.resources });
    return { version, translation, result, sources: sourcesOf(state) };
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}

class KubeFeed implements SidecarFeed {
  readonly kind = "kube-reference";
  readonly servesBeforeConnect = false;

  constructor(private readonly cp: StartedKubeReferenceControlPlane) {}

  get server(): ReferenceServer {
    return this.cp.server;
  }

  async push(nodeId: string, state: KubeState, gone: string[]): Promise<Pushed> {
    const present = new Map(
      [...state.services, ...state.slices].map((o) => [sourceKey(o), resourceVersion(o)]),
    );
    const push = await this.cp.waitForSources(nodeId, present, gone, PUSH_TIMEOUT_MS);
    return {
      version: push.version,
      translation: push.translation,
      result: push.result,
      sources: [...push.sources].map(([k, rv]) => `${k}@${rv}`),
    };
  }

  stop(): Promise<void> {
    return this.cp.stop();
  }
}

function resourceVersion(o: { metadata: object }): string {
  return (o.metadata as { resourceVersion?: string }).resourceVersion ?? "";
}

function sourcesOf(state: KubeState): string[] {
  return [...state.services, ...state.slices].map((o) => `${sourceKey(o)}@${resourceVersion(o)}`);
}
