// A list-and-watch cache of one Kubernetes kind (what client-go calls an informer), over the API's own
// watch protocol: LIST gives the items and a resourceVersion, then `?watch=1&resourceVersion=<rv>` streams
// ADDED / MODIFIED / DELETED events (one JSON object per line) from that point, with BOOKMARKs carrying
// newer resourceVersions. A watch that ends (the server's timeoutSeconds) is resumed from the last
// resourceVersion; `410 Gone` (the version was compacted away) re-lists.
// Reference: kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes
import https from "node:https";
import { EventEmitter } from "node:events";
import { objectPath, type KubeCredentials } from "../clusters/kube-client.ts";

export interface WatchedObject {
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string };
}

interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: WatchedObject & { code?: number; message?: string };
}

/** A watch the server ended with 410 Gone: the resourceVersion is too old, list again. */
class GoneError extends Error {}

// Seconds the server keeps one watch open before ending it (then it is resumed); the API default is
// 30–60 min, shorter keeps a stuck connection from going unnoticed for long.
const WATCH_TIMEOUT_S = 300;
// Pause before re-listing after a failed LIST or watch (a reconnect backoff, not a settle wait).
const RETRY_MS = 500;

export class KubeInformer<T extends WatchedObject> extends EventEmitter<{ change: []; error: [Error] }> {
  /** `namespace/name` → the object as last seen. */
  readonly items = new Map<string, T>();
  /** The last error (LIST or watch), for wait messages; cleared by the next successful LIST. */
  lastError?: Error;
  private resourceVersion?: string;
  private stopped = false;
  private request?: ReturnType<typeof https.request>;
  private loop?: Promise<void>;

  constructor(
    private readonly credentials: KubeCredentials,
    readonly apiVersion: string,
    readonly kind: string,
    /** undefined: every namespace. */
    readonly namespace?: string,
  ) {
    super();
  }

  /** Lists once (rejects if that fails), then keeps watching in the background until stop(). */
  async start(): Promise<this> {
    await this.list();
    this.loop = this.run();
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.request?.destroy();
    await this.loop;
  }

  private get path(): string {
    const namespaced = objectPath(this.apiVersion, this.kind, this.namespace ?? "xdsc-any");
    return this.namespace ? namespaced : namespaced.replace("/namespaces/xdsc-any/", "/");
  }

  private async list(): Promise<void> {
    const text = await this.get(this.path);
    const list = JSON.parse(text) as { metadata: { resourceVersion: string }; items: T[] };
    this.items.clear();
    for (const item of list.items) this.items.set(keyOf(item), { ...item, kind: this.kind });
    this.resourceVersion = list.metadata.resourceVersion;
    this.lastError = undefined;
    this.emit("change");
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (this.resourceVersion === undefined) await this.list();
        await this.watch(this.resourceVersion!);
      } catch (error) {
        if (this.stopped) return;
        if (error instanceof GoneError) this.resourceVersion = undefined;
        else {
          this.lastError = error as Error;
          this.emit("error", error as Error);
          await new Promise((r) => setTimeout(r, RETRY_MS));
        }
      }
    }
  }

  private handle(event: WatchEvent): void {
    const rv = event.object.metadata?.resourceVersion;
    if (event.type === "ERROR") {
      if (event.object.code === 410) throw new GoneError(event.object.message);
      throw new Error(`watch ${this.kind}: ${event.object.code} ${event.object.message}`);
    }
    if (rv) this.resourceVersion = rv;
    if (event.type === "BOOKMARK") return;
    const key = keyOf(event.object);
    if (event.type === "DELETED") this.items.delete(key);
    else this.items.set(key, { ...(event.object as T), kind: this.kind });
    this.emit("change");
  }

  private get(path: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = this.open(path, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () =>
          res.statusCode === 200
            ? resolve(text)
            : reject(
                new Error(`kube GET ${path}: expected 200, got ${res.statusCode} (${text.slice(0, 300)})`),
              ),
        );
      });
      req.setTimeout(15_000, () => req.destroy(new Error(`kube GET ${path}: no answer after 15000ms`)));
      req.on("error", reject);
      req.end();
    });
  }

  /** One watch request; resolves when the server ends it, rejects on an error event or a broken stream. */
  private watch(rv: string): Promise<void> {
    const query = `?watch=1&allowWatchBookmarks=true&timeoutSeconds=${WATCH_TIMEOUT_S}&resourceVersion=${rv}`;
    return new Promise((resolve, reject) => {
      const req = this.open(`${this.path}${query}`, (res) => {
        if (res.statusCode === 410) return reject(new GoneError(`watch ${this.kind}: 410 Gone`));
        if (res.statusCode !== 200)
          return reject(new Error(`kube watch ${this.path}: expected 200, got ${res.statusCode}`));
        let buffer = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          buffer += chunk;
          let newline: number;
          while ((newline = buffer.indexOf("\n")) >= 0) {
            const line = buffer.slice(0, newline).trim();
            buffer = buffer.slice(newline + 1);
            if (!line) continue;
            try {
              this.handle(JSON.parse(line) as WatchEvent);
            } catch (error) {
              req.destroy();
              return reject(error as Error);
            }
          }
        });
        res.on("end", () => resolve());
        res.on("error", reject);
        // destroy() from stop() may end the response without "end" or "error".
        res.on("close", () => resolve());
      });
      req.on("error", reject);
      req.end();
    });
  }

  private open(path: string, onResponse: Parameters<typeof https.request>[2]) {
    const c = this.credentials;
    return (this.request = https.request(
      new URL(path, c.server),
      {
        method: "GET",
        ca: c.caPem,
        cert: c.clientCertPem,
        key: c.clientKeyPem,
        rejectUnauthorized: !c.insecureSkipTlsVerify,
        agent: false,
        headers: { accept: "application/json", ...(c.token ? { authorization: `Bearer ${c.token}` } : {}) },
      },
      onResponse,
    ));
  }
}

export function keyOf(o: WatchedObject): string {
  return `${o.metadata.namespace ?? ""}/${o.metadata.name}`;
}
