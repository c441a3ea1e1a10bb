// Any control plane that implements the adapter API (harness/proto/adapter.proto): the harness is given
// its xDS address and its adapter address, asks it who it is (GetInfo) and pushes every snapshot with
// SetSnapshot. The process itself belongs to whoever started it; stop() only closes the connection
// unless an owner hook is given (go-control-plane.ts passes one).
import { encodeResource } from "../proto/codec.ts";
import { typeUrlOf } from "../proto/type-urls.ts";
import { AdapterClient } from "./adapter-client.ts";
import type {
  ControlPlaneBuilder,
  ControlPlaneFeature,
  ControlPlaneSnapshot,
  StartedControlPlane,
} from "./types.ts";

export interface ExternalControlPlaneOptions {
  /** "127.0.0.1:port" of the CP's xDS server. */
  xdsAddress: string;
  /** "127.0.0.1:port" of the CP's adapter API. */
  adapterAddress: string;
  /** Deadline of each adapter call (default 30000). */
  callTimeoutMs?: number;
}

export class ExternalControlPlane implements ControlPlaneBuilder {
  constructor(private readonly opts: ExternalControlPlaneOptions) {}

  async start(): Promise<StartedExternalControlPlane> {
    return connectExternal(this.opts);
  }
}

export async function connectExternal(
  opts: ExternalControlPlaneOptions,
  onStop: () => Promise<unknown> = async () => undefined,
): Promise<StartedExternalControlPlane> {
  const client = new AdapterClient(opts.adapterAddress, opts.callTimeoutMs);
  try {
    const info = await client.call("GetInfo", {});
    return new StartedExternalControlPlane(client, opts.xdsAddress, info, onStop);
  } catch (e) {
    client.close();
    throw e;
  }
}

export class StartedExternalControlPlane implements StartedControlPlane {
  readonly name: string;
  readonly version: string;
  readonly features: readonly ControlPlaneFeature[];
  private stopping?: Promise<void>;

  constructor(
    readonly adapter: AdapterClient,
    readonly address: string,
    info: { name: string; version: string; features: string[] },
    private readonly onStop: () => Promise<unknown>,
  ) {
    this.name = info.name || "unnamed";
    this.version = info.version || "unknown";
    this.features = info.features;
  }

  async apply(nodeId: string, snapshot: ControlPlaneSnapshot): Promise<void> {
    const resources = snapshot.resources.map((json, i) => {
      const typeUrl = typeof json["@type"] === "string" ? typeUrlOf(json["@type"]) : undefined;
      if (!typeUrl)
        throw new Error(
          `resources[${i}]: expected "@type" naming an xDS resource type, got ${JSON.stringify(json["@type"])}`,
        );
      return { typeUrl, value: encodeResource(typeUrl, json) };
    });
    try {
      await this.adapter.call("SetSnapshot", { nodeId, version: snapshot.version, resources });
    } catch (e) {
      throw new Error(
        `${this.name}: expected to accept snapshot "${snapshot.version}" for node "${nodeId}" (${resources.length} resources), got ${(e as Error).message}`,
        { cause: e },
      );
    }
  }

  /** Forgets the node's state on the control plane. */
  async clear(nodeId: string): Promise<void> {
    await this.adapter.call("ClearSnapshot", { nodeId });
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.adapter.close();
      await this.onStop();
    })();
    return this.stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
