// The per-run session label (testcontainers' idea): every container a harness run creates carries the same
// session id, so one run's containers can be listed and removed without touching another run's.
import { randomUUID } from "node:crypto";

export const SESSION_LABEL = "org.xdsc.session";

/**
 * The id of this run: XDSC_SESSION_ID when a parent process set it (so its child processes share one
 * session), else a fresh id that is then exported to children started from here.
 */
export function sessionId(): string {
  process.env.XDSC_SESSION_ID ??= randomUUID();
  return process.env.XDSC_SESSION_ID;
}
