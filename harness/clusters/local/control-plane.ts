// etcd and kube-apiserver on the root namespace's loopback, with state in a temp dir. No controller
// manager, scheduler or kubelet: the harness writes Nodes, Services and EndpointSlices itself, so nothing
// else may own them (DESIGN.md §8).
import { mkdirSync, writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startChild, type ChildHandle } from "../../util/child.ts";
import { freePort } from "../../util/free-port.ts";
import { KubeClient, tokenKubeconfig } from "../kube-client.ts";
import type { KubeBinaries } from "./binaries.ts";
import { makePki } from "./certs.ts";

/** Exists only inside namespaces the harness creates; kube-proxy programs it in the node namespace. */
export const SERVICE_CIDR = "10.96.0.0/16";

export interface ControlPlane {
  readonly server: string;
  readonly port: number;
  readonly client: KubeClient;
  readonly kubeconfigPath: string;
  readonly caPem: string;
  readonly token: string;
  readonly children: ChildHandle[];
  stop(): Promise<void>;
}

async function waitForReady(client: KubeClient, apiserver: ChildHandle, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (apiserver.exit) break;
    try {
      await client.raw("/readyz", 3000);
      return;
    } catch (error) {
      last = String((error as Error).message).slice(0, 300);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `kube-apiserver: expected /readyz to answer 200 within ${timeoutMs}ms, got ${apiserver.exit ? "exit" : last}; last lines:\n${apiserver.logs(15)}`,
  );
}

export async function startControlPlane(
  bins: KubeBinaries,
  dir: string,
  options: { readyTimeoutMs?: number; advertiseAddress: string },
): Promise<ControlPlane> {
  const children: ChildHandle[] = [];
  const stop = async () => {
    // Reverse order: the API server first, so that it does not log etcd connection errors while stopping.
    for (const child of [...children].reverse()) await child.stop({ graceMs: 3000 });
  };
  try {
    const pkiDir = join(dir, "pki");
    mkdirSync(pkiDir, { recursive: true });
    const pki = await makePki(pkiDir);
    const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const etcd = await startChild(
      bins.etcd,
      [
        `--data-dir=${join(dir, "etcd")}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
        `--initial-cluster=default=http://127.0.0.1:${peerPort}`,
        "--log-level=warn",
        // The harness writes a few objects; the default 64 MiB fsync-heavy WAL setup only costs time.
        "--unsafe-no-fsync",
      ],
      { name: "etcd", logFile: join(dir, "etcd.log"), env: { ...process.env, ETCD_UNSUPPORTED_ARCH: "" } },
    );
    children.push(etcd);
    const apiserver = await startChild(
      bins.kubeApiserver,
      [
        `--etcd-servers=${etcdUrl}`,
        "--bind-address=127.0.0.1",
        `--secure-port=${apiPort}`,
        // Written into the `kubernetes` Service's endpoints; kube-proxy programs it only in the node netns.
        `--advertise-address=${options.advertiseAddress}`,
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        `--tls-cert-file=${pki.servingCert}`,
        `--tls-private-key-file=${pki.servingKey}`,
        `--client-ca-file=${pki.caCert}`,
        `--token-auth-file=${pki.tokenFile}`,
        "--authorization-mode=AlwaysAllow",
        "--anonymous-auth=false",
        `--service-account-issuer=https://kubernetes.default.svc`,
        `--service-account-key-file=${pki.saPub}`,
        `--service-account-signing-key-file=${pki.saKey}`,
        `--cert-dir=${join(dir, "apiserver-certs")}`,
        "--enable-priority-and-fairness=false",
        "--profiling=false",
        "--v=1",
      ],
      { name: "kube-apiserver", logFile: join(dir, "kube-apiserver.log") },
    );
    children.push(apiserver);
    const server = `https://127.0.0.1:${apiPort}`;
    const caPem = readFileSync(pki.caCert, "utf8");
    const client = new KubeClient({ server, caPem, token: pki.token });
    await waitForReady(client, apiserver, options.readyTimeoutMs ?? 90_000);
    const kubeconfigPath = join(dir, "kubeconfig");
    writeFileSync(kubeconfigPath, tokenKubeconfig(server, caPem, pki.token), { mode: 0o600 });
    return { server, port: apiPort, client, kubeconfigPath, caPem, token: pki.token, children, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
