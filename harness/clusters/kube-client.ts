// A small Kubernetes REST client: server-side apply, get, list and delete for the handful of kinds the
// harness writes. No client library on purpose: the harness needs six verbs, and a kubeconfig with a
// token or client certificate is all the providers hand out.
import https from "node:https";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { KubeObject } from "./types.ts";

export interface KubeCredentials {
  /** "https://127.0.0.1:6443" */
  server: string;
  caPem?: string;
  token?: string;
  clientCertPem?: string;
  clientKeyPem?: string;
  insecureSkipTlsVerify?: boolean;
}

// Path segments for the kinds the harness writes; others are rejected so that a typo fails loudly.
const RESOURCES: Record<string, { plural: string; namespaced: boolean }> = {
  Namespace: { plural: "namespaces", namespaced: false },
  Node: { plural: "nodes", namespaced: false },
  Service: { plural: "services", namespaced: true },
  Endpoints: { plural: "endpoints", namespaced: true },
  EndpointSlice: { plural: "endpointslices", namespaced: true },
  Pod: { plural: "pods", namespaced: true },
  ConfigMap: { plural: "configmaps", namespaced: true },
};

export function objectPath(apiVersion: string, kind: string, namespace?: string, name?: string): string {
  const resource = RESOURCES[kind];
  if (!resource) {
    throw new Error(`kube object kind: expected one of ${Object.keys(RESOURCES).join(", ")}, got "${kind}"`);
  }
  const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const ns = resource.namespaced ? `/namespaces/${namespace ?? "default"}` : "";
  return `${base}${ns}/${resource.plural}${name ? `/${name}` : ""}`;
}

export class KubeApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export class KubeClient {
  constructor(readonly credentials: KubeCredentials) {}

  /** Server-side apply (creates or updates) with field manager "xdsc"; returns the stored object. */
  async apply<T extends Pick<KubeObject, "apiVersion" | "kind" | "metadata">>(
    object: T,
    options: { subresource?: "status" } = {},
  ): Promise<T> {
    const { apiVersion, kind, metadata } = object;
    const path = objectPath(apiVersion, kind, metadata.namespace, metadata.name);
    const sub = options.subresource ? `/${options.subresource}` : "";
    return (await this.request(
      "PATCH",
      `${path}${sub}?fieldManager=xdsc&force=true`,
      JSON.stringify(object),
      "application/apply-patch+yaml",
    )) as T;
  }

  async get<T = KubeObject>(apiVersion: string, kind: string, name: string, namespace?: string): Promise<T> {
    return (await this.request("GET", objectPath(apiVersion, kind, namespace, name))) as T;
  }

  async list<T = KubeObject>(apiVersion: string, kind: string, namespace?: string, labelSelector?: string) {
    const query = labelSelector ? `?labelSelector=${encodeURIComponent(labelSelector)}` : "";
    const list = (await this.request("GET", `${objectPath(apiVersion, kind, namespace)}${query}`)) as {
      items: T[];
    };
    return list.items;
  }

  /** Deletes; a missing object is not an error. */
  async delete(object: Pick<KubeObject, "apiVersion" | "kind" | "metadata">): Promise<void> {
    const { apiVersion, kind, metadata } = object;
    try {
      await this.request("DELETE", objectPath(apiVersion, kind, metadata.namespace, metadata.name));
    } catch (error) {
      if (!(error instanceof KubeApiError && error.status === 404)) throw error;
    }
  }

  /** GET a raw path (e.g. "/readyz"); resolves with the body text. */
  async raw(path: string, timeoutMs = 5000): Promise<string> {
    return (await this.request("GET", path, undefined, undefined, timeoutMs, true)) as string;
  }

  private request(
    method: string,
    path: string,
    body?: string,
    contentType = "application/json",
    timeoutMs = 15_000,
    rawText = false,
  ): Promise<unknown> {
    const c = this.credentials;
    const url = new URL(path, c.server);
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          method,
          ca: c.caPem,
          cert: c.clientCertPem,
          key: c.clientKeyPem,
          rejectUnauthorized: !c.insecureSkipTlsVerify,
          agent: false,
          timeout: timeoutMs,
          headers: {
            accept: "application/json",
            ...(c.token ? { authorization: `Bearer ${c.token}` } : {}),
            ...(body !== undefined ? { "content-type": contentType } : {}),
          },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (text += chunk));
          res.on("end", () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) return resolve(rawText ? text : JSON.parse(text));
            reject(
              new KubeApiError(
                `kube ${method} ${path}: expected 2xx, got ${status} (${text.slice(0, 500)})`,
                status,
              ),
            );
          });
        },
      );
      req.on("timeout", () =>
        req.destroy(new Error(`kube ${method} ${path}: no answer after ${timeoutMs}ms`)),
      );
      req.on("error", reject);
      req.end(body);
    });
  }
}

/** Reads the current (or named) context of a kubeconfig file into credentials. */
export function credentialsFromKubeconfig(path: string, context?: string): KubeCredentials {
  const config = parse(readFileSync(path, "utf8")) as Kubeconfig;
  const name = context ?? config["current-context"];
  const ctx = config.contexts?.find((c) => c.name === name)?.context;
  if (!ctx) throw new Error(`kubeconfig ${path}: expected context "${name}", got none with that name`);
  const cluster = config.clusters?.find((c) => c.name === ctx.cluster)?.cluster;
  const user = config.users?.find((u) => u.name === ctx.user)?.user ?? {};
  if (!cluster?.server) throw new Error(`kubeconfig ${path}: expected a server for cluster "${ctx.cluster}"`);
  const data = (inline?: string, file?: string) =>
    inline ? Buffer.from(inline, "base64").toString("utf8") : file ? readFileSync(file, "utf8") : undefined;
  return {
    server: cluster.server,
    caPem: data(cluster["certificate-authority-data"], cluster["certificate-authority"]),
    insecureSkipTlsVerify: cluster["insecure-skip-tls-verify"],
    token: user.token ?? (user.tokenFile ? readFileSync(user.tokenFile, "utf8").trim() : undefined),
    clientCertPem: data(user["client-certificate-data"], user["client-certificate"]),
    clientKeyPem: data(user["client-key-data"], user["client-key"]),
  };
}

interface Kubeconfig {
  "current-context"?: string;
  contexts?: { name: string; context: { cluster: string; user: string } }[];
  clusters?: {
    name: string;
    cluster: {
      server: string;
      "certificate-authority-data"?: string;
      "certificate-authority"?: string;
      "insecure-skip-tls-verify"?: boolean;
    };
  }[];
  users?: {
    name: string;
    user: {
      token?: string;
      tokenFile?: string;
      "client-certificate-data"?: string;
      "client-certificate"?: string;
      "client-key-data"?: string;
      "client-key"?: string;
    };
  }[];
}

/** A token kubeconfig (what the local provider writes for kube-proxy and for other tools). */
export function tokenKubeconfig(server: string, caPem: string, token: string, name = "xdsc"): string {
  const ca = Buffer.from(caPem).toString("base64");
  return [
    "apiVersion: v1",
    "kind: Config",
    `current-context: ${name}`,
    `clusters: [{name: ${name}, cluster: {server: "${server}", certificate-authority-data: ${ca}}}]`,
    `users: [{name: ${name}, user: {token: "${token}"}}]`,
    `contexts: [{name: ${name}, context: {cluster: ${name}, user: ${name}}}]`,
    "",
  ].join("\n");
}
