// Root hooks for the whole `npm test` run (DESIGN.md §10 "No leaks"): when every test has finished, no
// process started by the tests may still run (Envoy, backends, control planes, peers), no xdsc temp dir
// they created may remain, and no container of this session may exist. A leak fails the run.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Every temp dir the tests (and the processes they start) make goes under a root of this run's own, so
// the check sees exactly this run's leftovers, even when other test runs share the machine.
const TEMP_ROOT = mkdtempSync(join(tmpdir(), "xdsc-testrun-"));
process.env.TMPDIR = TEMP_ROOT;

function descendants(root: number): { pid: number; cmd: string }[] {
  const parent = new Map<number, number>();
  for (const p of readdirSync("/proc").filter((x) => /^\d+$/.test(x))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      parent.set(Number(p), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // exited while we looked
    }
  }
  const out: { pid: number; cmd: string }[] = [];
  const walk = (pid: number) => {
    for (const [child, ppid] of parent) {
      if (ppid !== pid) continue;
      let cmd = "";
      try {
        cmd = readFileSync(`/proc/${child}/cmdline`, "utf8").replace(/\0/g, " ").trim();
      } catch {
        continue;
      }
      out.push({ pid: child, cmd });
      walk(child);
    }
  };
  walk(root);
  return out;
}

async function settle<T>(probe: () => T[], timeoutMs: number): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  let left = probe();
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    left = probe();
  }
  return left;
}

export const mochaHooks = {
  async afterAll(this: unknown) {
    // Ours by design: the reaper watchdog (it outlives the tests), and the TypeScript loader's esbuild
    // service. Everything else the tests started or made must be gone.
    const tooling = (cmd: string) => cmd.includes("reaper-process.mjs") || /esbuild --service/.test(cmd);
    const procs = await settle(() => descendants(process.pid).filter((p) => !tooling(p.cmd)), 10_000);
    const dirs = await settle(
      () =>
        readdirSync(TEMP_ROOT)
          // tsx's cache and testcontainers' lock file belong to the tooling, not to a test.
          .filter((d) => !d.startsWith("tsx-") && !d.startsWith("testcontainers-node"))
          .map((d) => join(TEMP_ROOT, d)),
      5_000,
    );
    let containers: string[] = [];
    const session = process.env.XDSC_SESSION_ID;
    if (session) {
      try {
        containers = execFileSync("docker", ["ps", "-aq", "--filter", `label=org.xdsc.session=${session}`], {
          encoding: "utf8",
          timeout: 10_000,
        })
          .split("\n")
          .filter(Boolean);
      } catch {
        // no engine: no containers
      }
    }
    const leaks = [
      ...procs.map((p) => `process ${p.pid}: ${p.cmd.slice(0, 160)}`),
      ...dirs.map((d) => `temp dir ${d}`),
      ...containers.map((c) => `container ${c}`),
    ];
    if (leaks.length > 0)
      throw new Error(`leaks after the test run (${leaks.length}):\n  ${leaks.join("\n  ")}`);
    rmSync(TEMP_ROOT, { recursive: true, force: true });
    process.stdout.write("leak check: no process, temp dir or container left behind\n");
  },
};
