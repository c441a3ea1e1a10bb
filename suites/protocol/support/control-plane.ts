// A control plane under test without a data plane: the reference server (with the twin's fault modes)
// behind the recording tap, and a scripted Subscriber connected to the tap so the transcript records
// every message. CheckContext has no public cleanup hook, so the handle is AsyncDisposable: use it with
// `await using`; disposal adds the transcript to the check's evidence before stopping everything.
import { randomBytes } from "node:crypto";
import type { CheckContext } from "../../../harness/checks/context.ts";
import { fail } from "../../../harness/checks/define.ts";
import type { Verdict } from "../../../harness/checks/types.ts";
import type { JsonObject } from "../../../harness/proto/codec.ts";
import { Tap } from "../../../harness/tap/tap.ts";
import { formatEntry, type TranscriptEntry } from "../../../harness/tap/transcript.ts";
import { ReferenceServer, type ReferenceServerOptions } from "../../../harness/xds/server.ts";
import { Subscriber } from "./subscriber.ts";

export interface ControlPlaneUnderTest extends AsyncDisposable {
  server: ReferenceServer;
  tap: Tap;
  nodeId: string;
  /** The scripted client; `reconnect()` it to start new streams. */
  sub: Subscriber;
  /**
   * Serves a state to the node in the order given (no ACK waits: the script does the ACKing), once the
   * server has taken in every request the script sent — so "ACK, then change" never races.
   */
  apply(version: string, resources: JsonObject[]): Promise<void>;
  /** Resolves once the server has taken in every request the script sent (e.g. before a reconnect). */
  caughtUp(timeoutMs?: number): Promise<void>;
  /** The transcript so far, one formatted line per entry (for failure reasons). */
  lines(last?: number): string;
}

export async function startControlPlane(
  ctx: CheckContext,
  server: ReferenceServerOptions = {},
): Promise<ControlPlaneUnderTest> {
  const cp = await new ReferenceServer({ ...server, ...ctx.twin?.server }).start();
  const tap = await new Tap(cp.address).start().catch(async (e) => {
    await cp.stop();
    throw e;
  });
  let received = 0;
  cp.on("request", () => received++);
  const caughtUp = async (timeoutMs = 3000) => {
    if (received >= sub.sent) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        cp.off("request", onRequest);
        reject(new Error(`control plane took in ${received} of ${sub.sent} requests within ${timeoutMs}ms`));
      }, timeoutMs);
      const onRequest = () => {
        if (received < sub.sent) return;
        clearTimeout(timer);
        cp.off("request", onRequest);
        resolve();
      };
      cp.on("request", onRequest);
    });
  };
  const nodeId = `xdsc-protocol-${randomBytes(4).toString("hex")}`;
  const sub = new Subscriber(tap.address, ctx.cell.variant, { id: nodeId, cluster: "xdsc" });
  const lines = (last = 20) => {
    const all = tap.entries();
    const t0 = all[0]?.at ?? 0;
    return all
      .slice(-last)
      .map((e: TranscriptEntry) => formatEntry(e, t0))
      .join("\n");
  };
  return {
    server: cp,
    tap,
    nodeId,
    sub,
    async apply(version, resources) {
      await caughtUp();
      await cp.apply(nodeId, { version, resources }, "as-given");
    },
    lines,
    caughtUp,
    async [Symbol.asyncDispose]() {
      const entries = [...tap.entries()];
      ctx.addEvidence({
        label: "transcript (scripted client ↔ control plane)",
        file: "cp-transcript.jsonl",
        content: entries,
        excerpt: lines(16),
      });
      sub.close();
      await tap.stop();
      await cp.stop();
    },
  };
}

/**
 * Runs a script against a fresh control plane and always disposes it. A script that throws (a response
 * that never came, a stream the server ended) is a failed rule, not a broken check: the verdict says
 * what was awaited and shows the end of the transcript.
 */
export async function withControlPlane(
  ctx: CheckContext,
  script: (cp: ControlPlaneUnderTest) => Promise<Verdict>,
  server: ReferenceServerOptions = {},
): Promise<Verdict> {
  const cp = await startControlPlane(ctx, server);
  try {
    return await script(cp);
  } catch (e) {
    return fail(`${(e as Error).message}; transcript:\n${cp.lines()}`);
  } finally {
    await cp[Symbol.asyncDispose]();
  }
}

/** A failed rule with the transcript's tail appended. */
export function failWith(cp: ControlPlaneUnderTest, reason: string): Verdict {
  return fail(`${reason}; transcript:\n${cp.lines()}`);
}
