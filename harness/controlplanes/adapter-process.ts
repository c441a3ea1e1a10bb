// A control plane that runs as a child process and speaks the adapter API. Its contract: listen on
// loopback ports it chooses (or is told) and print one stdout line
// "ready xds=127.0.0.1:<port> adapter=127.0.0.1:<port>" once both accept connections.
import { startChild, type ChildHandle } from "../util/child.ts";
import { projectPath } from "../util/paths.ts";
import { connectExternal, type StartedExternalControlPlane } from "./external.ts";

export const READY_LINE = /^ready xds=(\S+) adapter=(\S+)$/;

/** The adapter-API handle plus the child process (pid for RSS, logs for evidence). */
export type StartedAdapterProcess = StartedExternalControlPlane & { child: ChildHandle };

export async function startAdapterProcess(
  name: string,
  command: string,
  args: string[],
  options: { startTimeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<StartedAdapterProcess> {
  const startTimeoutMs = options.startTimeoutMs ?? 20_000;
  const child = await startChild(command, args, { name, env: options.env });
  try {
    const line = await child.waitForLine(READY_LINE, startTimeoutMs);
    const [, xdsAddress, adapterAddress] = line.match(READY_LINE)!;
    const cp = await connectExternal({ xdsAddress: xdsAddress!, adapterAddress: adapterAddress! }, () =>
      child.stop(),
    );
    return Object.assign(cp, { child });
  } catch (e) {
    await child.stop();
    throw e;
  }
}

/** The reference server in its own process (reference-process.ts), e.g. to measure it like a peer. */
export function startReferenceProcess(policy?: string): Promise<StartedAdapterProcess> {
  const script = projectPath("harness", "controlplanes", "reference-process.ts");
  return startAdapterProcess(
    "xdsc-reference",
    process.execPath,
    ["--import", "tsx", script, ...(policy ? ["--policy", policy] : [])],
    // tsx's on-disk compile cache would be left in the caller's temp dir; in memory is enough here.
    { env: { ...process.env, TSX_DISABLE_CACHE: "1" } },
  );
}
