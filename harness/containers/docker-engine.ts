import { execa } from "execa";
import { projectPath } from "../util/paths.ts";

/** Every image and container the harness creates carries this label (value "true"), so leaks can be found. */
export const MANAGED_LABEL = "org.xdsc.managed";

export type DockerStatus = { available: true; version: string } | { available: false; reason: string };

const SCRIPT = projectPath("scripts", "docker-engine.sh");

/**
 * Makes a local Docker engine answer (installing and starting it if this machine has none; see
 * scripts/docker-engine.sh) and prepares testcontainers for a machine that cannot pull images.
 */
export async function ensureDockerEngine(timeoutMs = 180_000): Promise<{ version: string }> {
  // testcontainers would otherwise pull and start its Ryuk reaper image, which no registry here can serve;
  // harness/util/reaper.ts removes our containers instead. An explicit setting (e.g. in CI that can pull) wins.
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= "true";
  // The engine is local and has no "bridge" network (bridge: none); inside a machine that has /.dockerenv,
  // testcontainers would look up that network's gateway, then pull alpine to find one. Loopback is right.
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= "127.0.0.1";
  const run = await execa("bash", [SCRIPT], {
    reject: false,
    timeout: timeoutMs,
    env: { XDSC_DOCKER_TIMEOUT_S: String(Math.max(10, Math.floor(timeoutMs / 3000))) },
  });
  if (run.exitCode !== 0) {
    const why = run.timedOut ? `timed out after ${timeoutMs}ms` : `exit code ${run.exitCode ?? run.signal}`;
    throw new Error(
      `Docker engine: expected scripts/docker-engine.sh to start one, got ${why} (${lastLines(run.stderr)})`,
    );
  }
  const status = await dockerAvailable();
  if (!status.available) {
    throw new Error(
      `Docker engine: expected it to answer after scripts/docker-engine.sh, got ${status.reason}`,
    );
  }
  return { version: status.version };
}

/** Whether a Docker engine answers now; never installs or starts anything (for `xdsc doctor`). */
export async function dockerAvailable(timeoutMs = 5_000): Promise<DockerStatus> {
  const info = await execa("docker", ["version", "--format", "{{.Server.Version}}"], {
    reject: false,
    timeout: timeoutMs,
  });
  if (info.exitCode === 0 && info.stdout.trim() !== "") {
    return { available: true, version: info.stdout.trim() };
  }
  if (info.code === "ENOENT") {
    return {
      available: false,
      reason: "docker CLI not found: install docker.io or run scripts/docker-engine.sh",
    };
  }
  if (info.timedOut) {
    return { available: false, reason: `the engine did not answer 'docker version' within ${timeoutMs}ms` };
  }
  return {
    available: false,
    reason: `no engine answers (${lastLines(info.stderr)}): run scripts/docker-engine.sh as root`,
  };
}

function lastLines(text: string, count = 5): string {
  const lines = text.trim().split("\n").slice(-count).join(" | ");
  return lines === "" ? "no output" : lines;
}
