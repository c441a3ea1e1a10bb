// A child process the harness owns: registered with the reaper (killed if the harness dies) and with the
// signal cleanup (stopped on Ctrl-C), output kept in a log file and an in-memory ring of recent lines.
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, readFileSync, type WriteStream } from "node:fs";
import { getReaper, registerCleanup, type ReaperEntry } from "./reaper.ts";

export interface ChildOptions {
  /** Used in error messages, e.g. "envoy". */
  name?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** stdout and stderr are appended here as they arrive. */
  logFile?: string;
  /** How many recent output lines logs() keeps (default 2000). */
  ringLines?: number;
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StopOptions {
  /** Time between SIGTERM and SIGKILL (default 5000). */
  graceMs?: number;
}

export class ChildHandle {
  /** Resolves when the process has exited and its output is fully read. */
  readonly exited: Promise<ChildExit>;
  private exitInfo: ChildExit | undefined;
  private readonly ring: string[] = [];
  private stopping: Promise<ChildExit> | undefined;
  private readonly lineWaiters = new Set<(line: string) => void>();

  constructor(
    readonly name: string,
    readonly pid: number,
    private readonly signalGroup: (signal: NodeJS.Signals) => void,
    exited: Promise<ChildExit>,
    private readonly ringLines: number,
  ) {
    this.exited = exited.then((exit) => (this.exitInfo = exit));
  }

  /** Exit status once the process has exited, undefined while it runs. */
  get exit(): ChildExit | undefined {
    return this.exitInfo;
  }

  /** The most recent output lines (stdout and stderr interleaved as received). */
  logs(lastLines = this.ringLines): string {
    return this.ring.slice(-lastLines).join("\n");
  }

  /** @internal */
  pushLine(line: string): void {
    this.ring.push(line);
    if (this.ring.length > this.ringLines) this.ring.splice(0, this.ring.length - this.ringLines);
    for (const waiter of this.lineWaiters) waiter(line);
  }

  /** Resolves with the first output line (already seen or future) that matches. */
  async waitForLine(pattern: RegExp, timeoutMs: number): Promise<string> {
    const seen = this.ring.find((line) => pattern.test(line));
    if (seen !== undefined) return seen;
    let onLine: ((line: string) => void) | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await new Promise<string>((resolve, reject) => {
        onLine = (line) => pattern.test(line) && resolve(line);
        this.lineWaiters.add(onLine);
        timer = setTimeout(() => reject(this.lineError(pattern, `not seen after ${timeoutMs}ms`)), timeoutMs);
        void this.exited.then((exit) =>
          reject(this.lineError(pattern, `exited (${describeExit(exit)}) first`)),
        );
      });
    } finally {
      this.lineWaiters.delete(onLine!);
      clearTimeout(timer);
    }
  }

  private lineError(pattern: RegExp, got: string): Error {
    return new Error(
      `${this.name} (pid ${this.pid}): expected a line matching ${pattern}, got ${got}; last lines:\n${this.logs(20)}`,
    );
  }

  /** SIGTERM, then SIGKILL after graceMs. Idempotent; resolves once the process is gone. */
  stop(options: StopOptions = {}): Promise<ChildExit> {
    this.stopping ??= this.terminate(options.graceMs ?? 5000);
    return this.stopping;
  }

  private async terminate(graceMs: number): Promise<ChildExit> {
    if (this.exitInfo) return this.exitInfo;
    this.signalGroup("SIGTERM");
    if (await settlesWithin(this.exited, graceMs)) return this.exitInfo!;
    this.signalGroup("SIGKILL");
    if (await settlesWithin(this.exited, 5000)) return this.exitInfo!;
    throw new Error(
      `${this.name} (pid ${this.pid}): expected exit after SIGKILL within 5000ms, got still running (SIGTERM sent ${graceMs}ms earlier)`,
    );
  }
}

/** Alive and not a zombie (an orphan killed by the reaper lingers as a zombie until init reaps it). */
export function isProcessAlive(pid: number): boolean {
  if (existsSync("/proc/self")) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function describeExit(exit: ChildExit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Spawns command in its own process group (so a stop reaches its descendants and a terminal's Ctrl-C
 * reaches the harness first, which stops children in order). Rejects if the command cannot be started.
 */
export async function startChild(
  command: string,
  args: string[],
  options: ChildOptions = {},
): Promise<ChildHandle> {
  const name = options.name ?? command;
  const proc = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  await new Promise<void>((resolve, reject) => {
    proc.once("spawn", resolve);
    proc.once("error", (error) =>
      reject(new Error(`${name}: expected to start "${command}", got ${error.message}`)),
    );
  });
  const pid = proc.pid!;
  const reaperEntry: ReaperEntry = { kind: "pid", value: pid, group: true };
  getReaper().register(reaperEntry);

  const logFile: WriteStream | undefined = options.logFile
    ? createWriteStream(options.logFile, { flags: "a" })
    : undefined;
  const exited = new Promise<ChildExit>((resolve) => {
    proc.once("close", (code, signal) => {
      getReaper().unregister(reaperEntry);
      if (logFile) logFile.end(() => resolve({ code, signal }));
      else resolve({ code, signal });
    });
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  const handle = new ChildHandle(name, pid, signalGroup, exited, options.ringLines ?? 2000);
  for (const stream of [proc.stdout!, proc.stderr!]) {
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      logFile?.write(chunk);
      const lines = (partial + chunk).split("\n");
      partial = lines.pop()!;
      for (const line of lines) handle.pushLine(line);
    });
    stream.on("end", () => {
      if (partial !== "") handle.pushLine(partial);
    });
  }
  const unregister = registerCleanup(() => handle.stop());
  void handle.exited.then(unregister);
  return handle;
}
