// Waiting on the reference server's own events for a node's ACKs of one version of several types — for
// tests and suites that drive a data plane without a tap in between (e.g. inside a cluster's network
// namespaces). Fails fast on a NACK, and on the deadline with what was seen.
import type { ReferenceServer } from "./server.ts";
import type { RequestEvent } from "./events.ts";

/** Resolves when the node has ACKed version of every type (listen before starting the data plane). */
export function waitForAcks(
  server: ReferenceServer,
  nodeId: string,
  typeUrls: string[],
  version: string,
  timeoutMs: number,
): Promise<void> {
  const pending = new Set(typeUrls);
  const seen: string[] = [];
  return new Promise<void>((resolve, reject) => {
    const onRequest = (e: RequestEvent) => {
      if (e.nodeId !== nodeId) return;
      seen.push(`${e.typeUrl.split(".").pop()} ${e.classification} v${e.versionInfo}`);
      if (e.classification === "ack" && e.versionInfo === version) pending.delete(e.typeUrl);
      if (e.classification === "nack")
        finish(
          new Error(`xDS ${e.typeUrl}: expected ACK of v${version}, got NACK: ${e.errorDetail?.message}`),
        );
      if (pending.size === 0) finish();
    };
    const timer = setTimeout(
      () =>
        finish(
          new Error(
            `xDS ACKs of v${version} for ${[...pending].join(", ")}: not seen after ${timeoutMs}ms; seen ${seen.slice(-8).join("; ") || "no request"}`,
          ),
        ),
      timeoutMs,
    );
    const finish = (error?: Error) => {
      clearTimeout(timer);
      server.off("request", onRequest);
      if (error) reject(error);
      else resolve();
    };
    server.on("request", onRequest);
  });
}
