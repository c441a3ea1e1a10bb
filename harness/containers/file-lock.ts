import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { execa } from "execa";

/**
 * Runs `fn` while holding an flock(1) on `path`, across processes. The lock is held by a child `flock … cat`
 * whose stdin we own: when this process ends for any reason, stdin closes, cat exits and the lock is free.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, timeoutMs = 300_000): Promise<T> {
  await mkdir(dirname(path), { recursive: true });
  const holder = execa(
    "flock",
    ["--wait", String(Math.ceil(timeoutMs / 1000)), path, "sh", "-c", "echo locked; exec cat"],
    {
      stdin: "pipe",
      reject: false,
    },
  );
  const acquired = await new Promise<boolean>((resolve) => {
    holder.stdout?.once("data", () => resolve(true));
    void holder.then(() => resolve(false));
  });
  if (!acquired) {
    const result = await holder;
    throw new Error(
      `lock ${path}: expected it within ${timeoutMs}ms, got exit ${result.exitCode} (${result.stderr || "no output"})`,
    );
  }
  try {
    return await fn();
  } finally {
    holder.stdin?.end();
    await holder;
  }
}
