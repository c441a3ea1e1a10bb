// A control plane under test without a data plane: the cell's control plane (the reference server with
// the twin's fault modes, or any CP adapter such as go-control-plane) behind the recording tap, and a
// scripted Subscriber connected to the tap so the transcript records every message. CheckContext has no
// public cleanup hook, so the handle is AsyncDisposable: use it with `await using`; disposal adds the
// transcript (and an external CP's log) to the check's evidence before stopping everything.
import { startControlPlane as startNamedControlPlane } from "../../../harness/scenario/stack.ts";
import { randomBytes } from "node:crypto";
import type { CheckContext } from "../../../harness/checks/context.ts";
import { fail } from "../../../harness/checks/define.ts";
import type { Verdict } from "../../../harness/checks/types.ts";
import {
  ReferenceControlPlane,
  StartedReferenceControlPlane,
} from "../../../harness/controlplanes/reference.ts";
import type { StartedControlPlane } from "../../../harness/controlplanes/types.ts";
import type { JsonObject } from "../../../harness/proto/codec.ts";
import { Tap } from "../../../harness/tap/tap.ts";
import { formatEntry, type TranscriptEntry } from "../../../harness/tap/transcript.ts";
import type { ReferenceServerOptions } from "../../../harness/xds/server.ts";
import { caughtUpByServer, caughtUpByTap } from "./caught-up.ts";
import { Subscriber } from "./subscriber.ts";

export interface ControlPlaneUnderTest extends AsyncDisposable {
  /** The started control plane (any adapter); `StartedReferenceControlPlane` on reference cells. */
  handle: StartedControlPlane;
  tap: Tap;
  nodeId: string;
  /** The scripted client; `reconnect()` it to start new streams. */
  sub: Subscriber;
  /**
   * Serves a state to the node in the order given (no ACK waits: the script does the ACKing), once the
   * control plane has taken in every request the script sent — so "ACK, then change" never races.
   */
  apply(version: string, resources: JsonObject[]): Promise<void>;
  /**
   * Resolves once the control plane has taken in every request the script sent (e.g. before a
   * reconnect): the reference server's request events; for other CPs, the tap having forwarded them.
   */
  caughtUp(timeoutMs?: number): Promise<void>;
  /** The transcript so far, one formatted line per entry (for failure reasons). */
  lines(last?: number): string;
}

/** Starts the cell's control plane; known-bad twins are reference fault modes, so they need reference. */
async function startCellControlPlane(
  ctx: CheckContext,
  server: ReferenceServerOptions,
): Promise<StartedControlPlane> {
  const name = ctx.cell.cp;
  if (name === "reference")
    return new ReferenceControlPlane().withOptions({ ...server, ...ctx.twin?.server }).start();
  if (ctx.twin?.server)
    throw new Error(
      `twin "${ctx.twin.name}": expected the reference control plane (twins are its fault modes), got "${name}"`,
    );
  // Any other control plane the harness knows (go-control-plane, external through the adapter API).
  return startNamedControlPlane(name, {}, ctx.cell.variant);
}

export async function startControlPlane(
  ctx: CheckContext,
  server: ReferenceServerOptions = {},
): Promise<ControlPlaneUnderTest> {
  const handle = await startCellControlPlane(ctx, server);
  const tap = await new Tap(handle.address).start().catch(async (e) => {
    await handle.stop();
    throw e;
  });
  const reference = handle instanceof StartedReferenceControlPlane ? handle.server : undefined;
  const nodeId = `xdsc-protocol-${randomBytes(4).toString("hex")}`;
  const sub = new Subscriber(tap.address, ctx.cell.variant, { id: nodeId, cluster: "xdsc" });
  const caughtUp = reference ? caughtUpByServer(reference, sub) : caughtUpByTap(tap, sub);
  const lines = (last = 20) => {
    const all = tap.entries();
    const t0 = all[0]?.at ?? 0;
    return all
      .slice(-last)
      .map((e: TranscriptEntry) => formatEntry(e, t0))
      .join("\n");
  };
  return {
    handle,
    tap,
    nodeId,
    sub,
    async apply(version, resources) {
      await caughtUp();
      // The reference server's default policy would wait for ACKs the script has not sent yet.
      if (reference) await reference.apply(nodeId, { version, resources }, "as-given");
      else await handle.apply(nodeId, { version, resources });
    },
    lines,
    caughtUp,
    async [Symbol.asyncDispose]() {
      const entries = [...tap.entries()];
      ctx.addEvidence({
        label: `transcript (scripted client ↔ ${handle.name})`,
        file: "cp-transcript.jsonl",
        content: entries,
        excerpt: lines(16),
      });
      const child = (handle as { child?: { logs(n?: number): string } }).child;
      if (child) ctx.addEvidence({ label: `${handle.name} log`, file: "cp.log", content: child.logs() });
      sub.close();
      await tap.stop();
      await handle.stop();
    },
  };
}

/**
 * Runs a script against a fresh control plane and always disposes it. A script that throws (a response
 * that never came, a stream the server ended, a snapshot the CP refused) is a failed rule, not a broken
 * check: the verdict says what was awaited and shows the end of the transcript.
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
