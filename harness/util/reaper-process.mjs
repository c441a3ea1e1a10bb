// The reaper: a detached watchdog that outlives the harness process that started it (like testcontainers'
// Ryuk). It reads JSON lines on stdin, one per resource the harness owns:
//   {"op":"add"|"remove", "kind":"pid"|"dir"|"container"|"netns", "value":..., "group":true?}
// When stdin closes (the harness exited, however it died, SIGKILL included), it stops every resource still
// registered and exits: pids (SIGTERM, then SIGKILL), then containers (`docker rm --force`), then network
// namespaces (`ip netns delete`), then dirs (a container may bind-mount one). Plain JavaScript on purpose: it must start fast and must not depend on tsx.
import { spawnSync } from "node:child_process";
import { appendFileSync, readFileSync, rmSync } from "node:fs";
import { isAbsolute } from "node:path";
import { createInterface } from "node:readline";

const graceMs = Number(process.env.XDSC_REAPER_GRACE_MS ?? 3000);
const logPath = process.env.XDSC_REAPER_LOG;

function log(message) {
  if (logPath) appendFileSync(logPath, `${new Date().toISOString()} reaper[${process.pid}]: ${message}\n`);
}

/** Field 22 of /proc/<pid>/stat: ties a pid to one process, so a reused pid is never killed. */
function procStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: fields[0], startTime: fields[19] };
  } catch {
    return undefined;
  }
}

function isAlive(pid, startTime) {
  const stat = procStat(pid);
  if (stat === undefined) {
    // No /proc (not Linux): fall back to signal 0.
    if (startTime !== undefined) return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
  return stat.state !== "Z" && (startTime === undefined || stat.startTime === startTime);
}

function signal(pid, group, sig) {
  for (const target of group ? [-pid, pid] : [pid]) {
    try {
      process.kill(target, sig);
    } catch {
      // Already gone.
    }
  }
}

const pids = new Map(); // pid -> { group, startTime }
const dirs = new Set();
// Containers and network namespaces are removed by name through their CLIs, after the pids are gone (a
// process inside a namespace keeps it busy). Names are checked so that nothing else reaches the command line.
const others = { container: new Set(), netns: new Set() };
const NAME_PATTERN = {
  container: /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/,
  netns: /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/,
};
const COMMAND_TIMEOUT_MS = Number(process.env.XDSC_REAPER_COMMAND_TIMEOUT_MS ?? 20_000);
const removeCommand = {
  // `rm -f` stops (SIGKILL) and removes in one call, volumes included; a missing container is not an error.
  container: (id) => ["docker", ["rm", "--force", "--volumes", id], /no such container/i],
  netns: (name) => ["ip", ["netns", "delete", name], /no such file|cannot find|does not exist/i],
};

function removeOther(kind, value) {
  const [command, args, missing] = removeCommand[kind](value);
  const run = spawnSync(command, args, { encoding: "utf8", timeout: COMMAND_TIMEOUT_MS });
  const stderr = (run.stderr ?? "").trim();
  // Docker 20+ exits 0 for a missing container and says so on stderr.
  if (missing.test(stderr)) return log(`${kind} ${value} already gone`);
  if (run.status === 0) return log(`removed ${kind} ${value}`);
  const why = run.error ? run.error.message : `exit ${run.status ?? run.signal}: ${stderr}`;
  log(`could not remove ${kind} ${value}: ${command} ${args.join(" ")}: ${why}`);
}

function apply(message) {
  const { op = "add", kind, value } = message;
  const add = op === "add";
  if (kind === "pid") {
    const pid = Number(value);
    if (!Number.isInteger(pid) || pid <= 1) return log(`ignoring pid ${JSON.stringify(value)}`);
    if (add) pids.set(pid, { group: message.group === true, startTime: procStat(pid)?.startTime });
    else pids.delete(pid);
  } else if (kind === "dir") {
    if (typeof value !== "string" || !isAbsolute(value) || value === "/") {
      return log(`ignoring dir ${JSON.stringify(value)}`);
    }
    if (add) dirs.add(value);
    else dirs.delete(value);
  } else if (kind in others) {
    if (typeof value !== "string" || !NAME_PATTERN[kind].test(value)) {
      return log(`ignoring ${kind} ${JSON.stringify(value)}`);
    }
    if (add) others[kind].add(value);
    else others[kind].delete(value);
  } else {
    log(`ignoring unknown kind ${JSON.stringify(kind)}`);
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function reap() {
  const live = () => [...pids].filter(([pid, p]) => isAlive(pid, p.startTime));
  for (const [pid, p] of live()) {
    log(`SIGTERM ${pid}${p.group ? " (group)" : ""}`);
    signal(pid, p.group, "SIGTERM");
  }
  const deadline = Date.now() + graceMs;
  while (live().length > 0 && Date.now() < deadline) await sleep(50);
  for (const [pid, p] of live()) {
    log(`SIGKILL ${pid} after ${graceMs}ms`);
    signal(pid, p.group, "SIGKILL");
  }
  for (const kind of Object.keys(others)) for (const value of others[kind]) removeOther(kind, value);
  for (const dir of dirs) {
    log(`removing ${dir}`);
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch (error) {
      log(`could not remove ${dir}: ${error}`);
    }
  }
}

// Ctrl-C in a terminal signals the whole foreground group; the reaper must outlive the harness to clean up.
for (const sig of ["SIGINT", "SIGHUP", "SIGTERM", "SIGPIPE"]) process.on(sig, () => log(`ignoring ${sig}`));

const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  if (line.trim() === "") return;
  try {
    apply(JSON.parse(line));
  } catch (error) {
    log(`bad message ${JSON.stringify(line)}: ${error}`);
  }
});
lines.on("close", async () => {
  const counts = `${pids.size} pids, ${others.container.size} containers, ${others.netns.size} netns, ${dirs.size} dirs`;
  log(`harness gone; reaping ${counts}`);
  await reap();
  process.exit(0);
});
