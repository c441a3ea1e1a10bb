// The Kubernetes binaries are built once: a second kubeBinaries() call must reuse build-kube.sh's cache
// (it says KUBE_CACHE=hit, and the files are the very same inodes with the same mtimes) instead of
// rebuilding. The first call builds only on a machine without the cache (minutes, like local-cluster.test.ts);
// the cache is never deleted here.
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import { BUILD_TIMEOUT_MS, kubeBinaries, type KubeBinaries } from "../../harness/clusters/local/binaries.ts";

/** The environment without the variables that bypass the script (they would make the test vacuous). */
function scriptEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.KUBE_APISERVER;
  delete env.KUBE_PROXY;
  return env;
}

const identity = (path: string) => {
  const s = statSync(path);
  return { path, ino: s.ino, mtimeMs: s.mtimeMs, size: s.size };
};

function hasGo(): boolean {
  try {
    execFileSync("go", ["version"], { stdio: "ignore", timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

describe("kube binaries: the build cache is used on the second run", function () {
  let first: KubeBinaries;

  before(async function () {
    if (!hasGo()) {
      if (process.env.CI === "true")
        throw new Error("kube build cache test: expected go on PATH in CI, got none");
      console.log("      skipped: go not on PATH");
      this.skip();
    }
    this.timeout(BUILD_TIMEOUT_MS);
    first = await kubeBinaries(scriptEnv());
  });

  it("does not rebuild: KUBE_CACHE=hit, same binaries, same inodes and mtimes", async function () {
    this.timeout(30_000);
    const before = [identity(first.kubeApiserver), identity(first.kubeProxy)];
    const startedAt = Date.now();
    const second = await kubeBinaries(scriptEnv());
    const elapsedMs = Date.now() - startedAt;
    expect(second.cache, "second build-kube.sh run").to.equal("hit");
    expect(second.kubeApiserver).to.equal(first.kubeApiserver);
    expect(second.kubeProxy).to.equal(first.kubeProxy);
    expect(second.kubeVersion).to.equal(first.kubeVersion);
    // A rebuild renames fresh files over these paths: new inodes and mtimes.
    expect([identity(second.kubeApiserver), identity(second.kubeProxy)]).to.deep.equal(before);
    // The measured cached run is ~0.03 s; a relink alone takes ~14 s.
    expect(elapsedMs, "second kubeBinaries() duration (ms)").to.be.below(10_000);
  });
});
