// Runs the real `xdsc` entry point (bin/xdsc.js) as a user would, capturing exit code and output.
import { execa, type ResultPromise } from "execa";
import { projectPath } from "../../harness/util/paths.ts";

export const XDSC = projectPath("bin", "xdsc.js");

export async function xdsc(args: string[], opts: { env?: Record<string, string> } = {}) {
  const r = await execa("node", [XDSC, ...args], {
    reject: false,
    cwd: projectPath(),
    env: { CI: "", ...opts.env },
    timeout: 120_000,
  });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

export function spawnXdsc(args: string[], env: Record<string, string> = {}): ResultPromise {
  return execa("node", [XDSC, ...args], {
    reject: false,
    cwd: projectPath(),
    env: { CI: "", ...env },
    timeout: 120_000,
  });
}
