// `xdsc cluster up|status|down` as a user runs it: misuse is one line and exit 2; status and down with
// nothing running; and a detached local cluster (real etcd, kube-apiserver, kube-proxy; root only) goes
// up → status → down leaving no process, namespace, temp dir or state file.
import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ClusterState } from "../../harness/cli/cluster-state.ts";
import { BUILD_TIMEOUT_MS, kubeBinaries } from "../../harness/clusters/local/binaries.ts";
import { listNetns } from "../../harness/clusters/local/netns.ts";
import { isProcessAlive } from "../../harness/util/child.ts";
import { requireLocalCluster } from "../kube/support.ts";
import { xdsc } from "./support.ts";

const lines = (s: string) =>
  s
    .trim()
    .split("\n")
    .filter((l) => l && !/npm warn/.test(l));

describe("xdsc cluster", function () {
  this.timeout(30_000);
  let dir: string;
  let stateFile: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "xdsc-cluster-cli-"));
    stateFile = join(dir, "state.json");
  });
  after(async function () {
    this.timeout(60_000);
    // A failed test may leave a cluster up: down is idempotent and removes leftovers.
    if (existsSync(stateFile)) await xdsc(["cluster", "down", "--state-file", stateFile]);
    rmSync(dir, { recursive: true, force: true });
  });

  describe("misuse gives one line and exit 2", () => {
    const cases: [string, string[], RegExp][] = [
      [
        "unknown provider",
        ["up", "--provider", "minikube"],
        /--provider: unknown "minikube" \(known: local, kind\)/,
      ],
      ["two providers", ["up", "--provider", "local,kind"], /--provider: expected one of local, kind/],
      ["unknown proxy mode", ["up", "--proxy-mode", "userspace"], /--proxy-mode: unknown "userspace"/],
      [
        "state dir with kind",
        ["up", "--provider", "kind", "--keep-state-dir", "x"],
        /expected --provider local/,
      ],
      ["unknown subcommand", ["restart"], /unknown command 'restart'/],
      ["unknown flag", ["status", "--bogus"], /unknown option '--bogus'/],
    ];
    for (const [what, args, message] of cases) {
      it(what, async () => {
        const r = await xdsc(["cluster", ...args, "--state-file", join(dir, "misuse.json")]);
        expect(r.code, r.stderr).to.equal(2);
        const err = lines(r.stderr);
        expect(err, r.stderr).to.have.length(1);
        expect(err[0]).to.match(message);
        expect(existsSync(join(dir, "misuse.json"))).to.equal(false);
      });
    }
  });

  it("status with nothing running: says so, exit 1; down: nothing to stop, exit 0", async () => {
    const status = await xdsc(["cluster", "status", "--state-file", stateFile]);
    expect(status.code).to.equal(1);
    expect(status.stdout).to.include(`no cluster running (no state file at ${stateFile})`);
    const down = await xdsc(["cluster", "down", "--state-file", stateFile]);
    expect(down.code).to.equal(0);
    expect(down.stdout).to.include("nothing to stop");
  });

  describe("detached local cluster: up → status → down", function () {
    before(async function () {
      await requireLocalCluster(this);
      // A first run builds the binaries (minutes); the cycle below then measures only the cluster.
      this.timeout(BUILD_TIMEOUT_MS);
      await kubeBinaries();
    });

    it("leaves no process, netns, temp dir or state file, and refuses a second up meanwhile", async function () {
      this.timeout(60_000);
      const up = await xdsc(["cluster", "up", "--detach", "--state-file", stateFile]);
      expect(up.code, up.stderr).to.equal(0);
      expect(up.stdout).to.match(/up: local cluster \w+ \(Kubernetes v[\d.]+\), kube-proxy mode iptables/);
      const state = JSON.parse(readFileSync(stateFile, "utf8")) as ClusterState;
      expect(up.stdout).to.include(`kubeconfig: ${state.kubeconfigPath}`);
      expect(up.stdout).to.include(`API server: ${state.server}`);
      expect(state.processes).to.have.length.greaterThan(0);
      expect(listNetns(state.netnsPrefix!)).to.deep.equal([`${state.netnsPrefix}node`]);

      const status = await xdsc(["cluster", "status", "--state-file", stateFile]);
      expect(status.code, status.stdout + status.stderr).to.equal(0);
      expect(status.stdout).to.include("API /readyz: ready");
      expect(status.stdout).to.include(
        `processes:  ${state.processes.length}/${state.processes.length} alive`,
      );

      const again = await xdsc(["cluster", "up", "--detach", "--state-file", stateFile]);
      expect(again.code).to.equal(2);
      expect(lines(again.stderr)[0]).to.match(/expected no running cluster, got local cluster/);

      const down = await xdsc(["cluster", "down", "--state-file", stateFile]);
      expect(down.code, down.stdout + down.stderr).to.equal(0);
      // The holder's own teardown did the work: down had nothing left to clean.
      expect(lines(down.stdout), down.stdout).to.deep.equal([
        `xdsc cluster: stopped local cluster ${state.name}`,
      ]);
      expect(listNetns(state.netnsPrefix!)).to.deep.equal([]);
      const alive = [state.holder, ...state.processes].filter((p) => isProcessAlive(p.pid));
      expect(alive, "processes alive after down").to.deep.equal([]);
      expect(existsSync(state.stateDir!), `state dir ${state.stateDir}`).to.equal(false);
      expect(existsSync(stateFile)).to.equal(false);

      const after = await xdsc(["cluster", "status", "--state-file", stateFile]);
      expect(after.code).to.equal(1);
    });
  });
});
