// Crash cleanup for everything the harness starts. Two layers:
// - the reaper (reaper-process.mjs), a detached watchdog fed over a pipe: it outlives the harness and, when
//   the pipe closes, kills registered pids and removes registered dirs. Only it survives a SIGKILL.
// - registerCleanup(): async teardown run on SIGINT/SIGTERM while the harness is still alive, so handles
//   can stop in order (Envoy drains, logs are flushed) before the process exits.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export type ReaperKind = "pid" | "dir" | "container" | "netns";

export interface ReaperEntry {
  kind: ReaperKind;
  /**
   * A pid, an absolute directory path, a container id or name (removed with `docker rm --force`), or a
   * network namespace name (removed with `ip netns delete`).
   */
  value: number | string;
  /** For pids: signal the whole process group (the child was spawned detached, so pid = pgid). */
  group?: boolean;
}

const REAPER_SCRIPT = fileURLToPath(new URL("./reaper-process.mjs", import.meta.url));

export class Reaper {
  private readonly child: ChildProcess;
  private alive = true;

  constructor() {
    this.child = spawn(process.execPath, [REAPER_SCRIPT], {
      detached: true,
      // stdout/stderr ignored: a reaper holding the harness's output pipes would delay whoever reads them.
      stdio: ["pipe", "ignore", "ignore"],
      cwd: "/",
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    this.child.on("exit", () => (this.alive = false));
    this.child.on("error", () => (this.alive = false));
    this.child.stdin!.on("error", () => (this.alive = false));
    // Neither the reaper nor its pipe may keep the harness's event loop alive.
    this.child.unref();
    (this.child.stdin as unknown as { unref(): void }).unref();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  register(entry: ReaperEntry): void {
    checkEntry(entry);
    this.send("add", entry);
  }

  unregister(entry: ReaperEntry): void {
    this.send("remove", entry);
  }

  private send(op: "add" | "remove", entry: ReaperEntry): void {
    if (!this.alive) return;
    this.child.stdin!.write(`${JSON.stringify({ op, ...entry })}\n`);
  }
}

// The same patterns as reaper-process.mjs, checked here too so that a bad value fails at the caller, not
// silently in the watchdog's log when it is too late.
const NAME_PATTERNS: Partial<Record<ReaperKind, RegExp>> = {
  container: /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/,
  netns: /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/,
};

function checkEntry(entry: ReaperEntry): void {
  const pattern = NAME_PATTERNS[entry.kind];
  if (pattern && !(typeof entry.value === "string" && pattern.test(entry.value))) {
    throw new Error(
      `reaper ${entry.kind}: expected a name matching ${pattern}, got ${JSON.stringify(entry.value)}`,
    );
  }
}

let reaper: Reaper | undefined;

/** The reaper of this harness process, started on first use. */
export function getReaper(): Reaper {
  reaper ??= new Reaper();
  return reaper;
}

type Cleanup = () => unknown | Promise<unknown>;
const cleanups = new Set<Cleanup>();
let handlersInstalled = false;

/** Teardown to run if the harness is interrupted (SIGINT/SIGTERM). Returns the function that unregisters it. */
export function registerCleanup(fn: Cleanup): () => void {
  installSignalHandlers();
  cleanups.add(fn);
  return () => unregisterCleanup(fn);
}

export function unregisterCleanup(fn: Cleanup): void {
  cleanups.delete(fn);
}

/** Runs every registered cleanup concurrently, bounded by timeoutMs; failures are reported, not thrown. */
export async function runCleanups(timeoutMs = 10_000): Promise<void> {
  const pending = [...cleanups];
  cleanups.clear();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      process.stderr.write(
        `cleanup: expected all handles stopped within ${timeoutMs}ms; leaving the rest to the reaper\n`,
      );
      resolve();
    }, timeoutMs);
  });
  const all = Promise.allSettled(pending.map(async (fn) => fn())).then((results) => {
    for (const r of results) {
      if (r.status === "rejected") process.stderr.write(`cleanup: ${String(r.reason)}\n`);
    }
  });
  await Promise.race([all, deadline]);
  clearTimeout(timer);
}

function installSignalHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals, exitCode: number) => {
    if (interrupted) process.exit(exitCode); // A second Ctrl-C means now; the reaper finishes the job.
    interrupted = true;
    process.stderr.write(`\n${signal}: stopping ${cleanups.size} live handle(s)\n`);
    void runCleanups().finally(() => process.exit(exitCode));
  };
  process.on("SIGINT", () => onSignal("SIGINT", 130));
  process.on("SIGTERM", () => onSignal("SIGTERM", 143));
}
