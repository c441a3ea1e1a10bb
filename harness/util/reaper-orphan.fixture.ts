// Test helper for reaper.test.ts: owns a child process and a temp dir, reports them on stdout as one JSON
// line, then idles until the test signals it (SIGKILL: only the reaper cleans up; SIGINT: cleanups run).
// With the argument "forget" it unregisters the dir and exits at once.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startChild } from "./child.ts";
import { getReaper, registerCleanup } from "./reaper.ts";

const dir = await mkdtemp(join(tmpdir(), "xdsc-reaper-test-"));
getReaper().register({ kind: "dir", value: dir });
if (process.argv[2] === "forget") {
  // Normal end of a handle: deregistered, so the reaper must leave the dir alone when this process exits.
  getReaper().unregister({ kind: "dir", value: dir });
  process.stdout.write(`${JSON.stringify({ dir, reaperPid: getReaper().pid })}\n`);
  process.exit(0);
}
const child = await startChild("sleep", ["300"], { name: "sleep" });
process.stdout.write(`${JSON.stringify({ pid: child.pid, dir, reaperPid: getReaper().pid })}\n`);
// Runs on SIGINT/SIGTERM (not on SIGKILL), next to the child's own stop registered by startChild.
registerCleanup(() => process.stdout.write("cleanup ran\n"));
setInterval(() => {}, 60_000);
