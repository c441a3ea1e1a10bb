// KubeClient and the `existing` provider against a fake API server (https on loopback with the local
// provider's throwaway PKI), so the TLS, token and request shapes are exercised without Kubernetes.
import { expect } from "chai";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExistingCluster } from "./existing.ts";
import {
  KubeApiError,
  KubeClient,
  credentialsFromKubeconfig,
  objectPath,
  tokenKubeconfig,
} from "./kube-client.ts";
import { makePki, type ClusterPki } from "./local/certs.ts";

interface Seen {
  method: string;
  url: string;
  auth?: string;
  type?: string;
  body: string;
}

describe("kube client and existing provider", () => {
  let dir: string;
  let pki: ClusterPki;
  let server: https.Server;
  let url: string;
  const seen: Seen[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "xdsc-kube-client-"));
    pki = await makePki(dir);
    server = https.createServer(
      { cert: readFileSync(pki.servingCert), key: readFileSync(pki.servingKey) },
      (req, res) => {
        let body = "";
        req.on("data", (c: Buffer) => (body += c.toString()));
        req.on("end", () => {
          seen.push({
            method: req.method!,
            url: req.url!,
            auth: req.headers.authorization,
            type: req.headers["content-type"],
            body,
          });
          if (req.url?.includes("/missing")) return res.writeHead(404).end('{"reason":"NotFound"}');
          if (req.url === "/version") return res.end('{"gitVersion":"v1.37.2"}');
          res.setHeader("content-type", "application/json");
          res.end(
            req.method === "GET" && !req.url!.includes("/services/")
              ? '{"items":[{"kind":"Service"}]}'
              : body || "{}",
          );
        });
      },
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it("maps kinds to REST paths and rejects unknown kinds", () => {
    expect(objectPath("v1", "Service", "ns1", "echo")).to.equal("/api/v1/namespaces/ns1/services/echo");
    expect(objectPath("v1", "Node", undefined, "n")).to.equal("/api/v1/nodes/n");
    expect(objectPath("discovery.k8s.io/v1", "EndpointSlice", undefined)).to.equal(
      "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices",
    );
    expect(() => objectPath("v1", "Secretz")).to.throw(/kube object kind: expected one of .*got "Secretz"/);
  });

  it("applies server-side with a bearer token over verified TLS, lists, and ignores 404 on delete", async () => {
    const client = new KubeClient({ server: url, caPem: readFileSync(pki.caCert, "utf8"), token: pki.token });
    const svc = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "echo", namespace: "default" },
      spec: {},
    };
    expect(await client.apply(svc)).to.deep.equal(svc);
    expect(seen.at(-1)).to.deep.include({
      method: "PATCH",
      url: "/api/v1/namespaces/default/services/echo?fieldManager=xdsc&force=true",
      auth: `Bearer ${pki.token}`,
      type: "application/apply-patch+yaml",
    });
    expect(await client.list("v1", "Service", "default", "app=echo")).to.deep.equal([{ kind: "Service" }]);
    expect(seen.at(-1)!.url).to.equal("/api/v1/namespaces/default/services?labelSelector=app%3Decho");
    await client.delete({ apiVersion: "v1", kind: "Service", metadata: { name: "missing" } });
    const error = await client.get("v1", "Service", "missing").catch((e: unknown) => e);
    expect(error).to.be.instanceOf(KubeApiError).with.property("status", 404);
  });

  it("refuses a server whose certificate no given CA signed", async () => {
    const client = new KubeClient({ server: url });
    await client.raw("/version").then(
      () => expect.fail("expected a TLS error"),
      (e: Error) => expect(e.message).to.match(/self.signed|unable to verify|certificate/i),
    );
  });

  it("reads a kubeconfig and starts an existing cluster handle that answers /version", async () => {
    const path = join(dir, "kubeconfig");
    writeFileSync(path, tokenKubeconfig(url, readFileSync(pki.caCert, "utf8"), pki.token));
    expect(credentialsFromKubeconfig(path)).to.deep.include({ server: url, token: pki.token });
    const cluster = await new ExistingCluster().withKubeconfig(path).withProxyMode("nftables").start();
    expect(cluster).to.deep.include({ provider: "existing", proxyMode: "nftables", name: url });
    await cluster.stop();
    expect(() => credentialsFromKubeconfig(path, "nope")).to.throw(/expected context "nope"/);
  });

  it("says which server did not answer when an existing cluster is unreachable", async () => {
    const path = join(dir, "dead-kubeconfig");
    writeFileSync(path, tokenKubeconfig("https://127.0.0.1:1", readFileSync(pki.caCert, "utf8"), "x"));
    const error = await new ExistingCluster()
      .withKubeconfig(path)
      .withReadyTimeoutMs(2000)
      .start()
      .catch((e: Error) => e);
    expect((error as Error).message).to.match(
      /existing cluster .*expected https:\/\/127.0.0.1:1\/version to answer, got .*ECONNREFUSED/,
    );
  });
});
