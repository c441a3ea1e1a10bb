// Throwaway PKI for one local cluster: a CA, the API server's serving certificate (valid for 127.0.0.1,
// where the harness and the loopback bridges reach it) and the service-account signing key pair.
// openssl is used because Node's crypto can make keys but not X.509 certificates.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface ClusterPki {
  caCert: string;
  servingCert: string;
  servingKey: string;
  saKey: string;
  saPub: string;
  /** A static bearer token mapped to group system:masters (see tokenFile). */
  token: string;
  tokenFile: string;
}

async function openssl(dir: string, args: string[]): Promise<void> {
  try {
    await run("openssl", args, { cwd: dir });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`openssl ${args[0]}: expected success, got ${(e.stderr ?? e.message).trim()}`);
  }
}

export async function makePki(dir: string): Promise<ClusterPki> {
  const p = (name: string) => join(dir, name);
  const days = "2";
  await openssl(dir, ["genrsa", "-out", "ca.key", "2048"]);
  await openssl(dir, [
    "req",
    "-x509",
    "-new",
    "-key",
    "ca.key",
    "-subj",
    "/CN=xdsc-local-ca",
    "-days",
    days,
    "-out",
    "ca.crt",
  ]);
  await openssl(dir, ["genrsa", "-out", "apiserver.key", "2048"]);
  await openssl(dir, [
    "req",
    "-new",
    "-key",
    "apiserver.key",
    "-subj",
    "/CN=kube-apiserver",
    "-out",
    "apiserver.csr",
  ]);
  writeFileSync(
    p("apiserver.ext"),
    "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default.svc\n" +
      "extendedKeyUsage=serverAuth\n",
  );
  await openssl(dir, [
    "x509",
    "-req",
    "-in",
    "apiserver.csr",
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    days,
    "-extfile",
    "apiserver.ext",
    "-out",
    "apiserver.crt",
  ]);
  await openssl(dir, ["genrsa", "-out", "sa.key", "2048"]);
  await openssl(dir, ["rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub"]);
  const token = randomBytes(16).toString("hex");
  // token,user,uid,"group1,group2"
  writeFileSync(p("tokens.csv"), `${token},xdsc-admin,xdsc-admin,"system:masters"\n`, { mode: 0o600 });
  return {
    caCert: p("ca.crt"),
    servingCert: p("apiserver.crt"),
    servingKey: p("apiserver.key"),
    saKey: p("sa.key"),
    saPub: p("sa.pub"),
    token,
    tokenFile: p("tokens.csv"),
  };
}
