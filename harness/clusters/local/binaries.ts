// Finds (building on first use, cached by content hash) the binaries the local provider runs, through
// scripts/build-kube.sh. KUBE_APISERVER, KUBE_PROXY and ETCD in the environment skip the build, e.g. to
// use binaries from a release tarball.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { projectPath } from "../../util/paths.ts";

const run = promisify(execFile);

export interface KubeBinaries {
  kubeVersion: string;
  kubeApiserver: string;
  kubeProxy: string;
  etcd: string;
  /**
   * Where the binaries came from: `hit` = build-kube.sh reused its cache, `built` = it compiled them on
   * this call, `env` = KUBE_APISERVER/KUBE_PROXY/ETCD named them. Absent when unknown.
   */
  cache?: "hit" | "built" | "env";
}

/** A cold build takes tens of minutes on 2 cores (harness/clusters/README.md has the measured figure). */
export const BUILD_TIMEOUT_MS = 60 * 60_000;

export function parseBuildOutput(stdout: string): KubeBinaries {
  const vars = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const m = /^([A-Z_]+)=(.+)$/.exec(line.trim());
    if (m) vars.set(m[1]!, m[2]!);
  }
  const need = (key: string) => {
    const value = vars.get(key);
    if (!value)
      throw new Error(
        `build-kube.sh output: expected a ${key}=<path> line, got ${JSON.stringify(stdout.slice(-300))}`,
      );
    return value;
  };
  const cache = vars.get("KUBE_CACHE");
  if (cache !== undefined && cache !== "hit" && cache !== "built")
    throw new Error(`build-kube.sh output: expected KUBE_CACHE=hit|built, got KUBE_CACHE=${cache}`);
  return {
    kubeVersion: need("KUBE_VERSION"),
    kubeApiserver: need("KUBE_APISERVER"),
    kubeProxy: need("KUBE_PROXY"),
    etcd: need("ETCD"),
    ...(cache ? { cache } : {}),
  };
}

export async function kubeBinaries(env: NodeJS.ProcessEnv = process.env): Promise<KubeBinaries> {
  if (env.KUBE_APISERVER && env.KUBE_PROXY && env.ETCD) {
    for (const key of ["KUBE_APISERVER", "KUBE_PROXY", "ETCD"] as const) {
      if (!existsSync(env[key]!)) throw new Error(`${key}: expected an existing binary, got "${env[key]}"`);
    }
    return {
      kubeVersion: env.KUBE_VERSION ?? "unknown",
      kubeApiserver: env.KUBE_APISERVER,
      kubeProxy: env.KUBE_PROXY,
      etcd: env.ETCD,
      cache: "env",
    };
  }
  const script = projectPath("scripts", "build-kube.sh");
  try {
    const { stdout } = await run("bash", [script], {
      timeout: BUILD_TIMEOUT_MS,
      maxBuffer: 16 << 20,
      env: { ...process.env, GOMAXPROCS: process.env.GOMAXPROCS ?? "2" },
    });
    return parseBuildOutput(stdout);
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(
      `${script}: expected the Kubernetes binaries, got ${(e.stderr || e.message).trim().slice(-2000)}`,
    );
  }
}
