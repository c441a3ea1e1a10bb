// The per-run session label (testcontainers' idea): every container a harness run creates carries the same
// session id, so one run's containers can be listed and removed without touching another run's.
import { randomUUID } from "node:crypto";
import { execa } from "execa";
import { MANAGED_LABEL } from "./docker-engine.ts";

export const SESSION_LABEL = "org.xdsc.session";

/**
 * The id of this run: XDSC_SESSION_ID when a parent process set it (so its child processes share one
 * session), else a fresh id that is then exported to children started from here.
 */
export function sessionId(): string {
  process.env.XDSC_SESSION_ID ??= randomUUID();
  return process.env.XDSC_SESSION_ID;
}

/**
 * Names of the harness-managed containers (running or not) carrying every given label; by default those
 * of this run's session.
 */
export async function managedContainers(
  labels: Record<string, string> = { [SESSION_LABEL]: sessionId() },
): Promise<string[]> {
  const filters = [...Object.entries(labels), [MANAGED_LABEL, "true"]].flatMap(([k, v]) => [
    "--filter",
    `label=${k}=${v}`,
  ]);
  const ps = await execa("docker", ["ps", "--all", "--format", "{{.Names}}", ...filters]);
  return ps.stdout.split("\n").filter(Boolean);
}

/**
 * For a test's afterEach: removes the containers `managedContainers(labels)` finds and returns their
 * names, so the test can assert none was left (a leak is a bug) without one failure cascading.
 */
export async function removeLeftoverContainers(labels?: Record<string, string>): Promise<string[]> {
  const left = await managedContainers(labels);
  if (left.length > 0) await execa("docker", ["rm", "--force", ...left], { reject: false });
  return left;
}
