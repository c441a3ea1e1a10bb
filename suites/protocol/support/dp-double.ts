// Scripted data-plane doubles: a Subscriber that breaks one data-plane rule on purpose, against the
// reference control plane behind the tap. A data-plane check's twin runs its analysis on the double's
// transcript instead of the real data plane's, proving the analysis can fail.
import type { CheckContext } from "../../../harness/checks/context.ts";
import type { TranscriptEntry } from "../../../harness/tap/transcript.ts";
import { CLUSTER_TYPE_URL as CDS, ENDPOINT_TYPE_URL as EDS } from "../../../harness/proto/type-urls.ts";
import { startControlPlane } from "./control-plane.ts";
import { state } from "./resources.ts";

export type DoubleKind = "ack-wrong-version" | "no-node-first" | "nack-rejected-version";

export interface DoubleRun {
  entries: TranscriptEntry[];
  nodeId: string;
}

export async function runDouble(ctx: CheckContext, kind: DoubleKind): Promise<DoubleRun> {
  const cp = await startControlPlane(ctx);
  try {
    await cp.apply("v1", state(["a"]));
    const sub = cp.sub;
    // "no-node-first" opens with a node-less EDS request (the server cannot serve it), then sends the
    // node with its CDS request.
    if (kind === "no-node-first") sub.subscribe(EDS, ["a"], { node: false });
    sub.subscribe(CDS, ["*"], { node: true });
    const r1 = await sub.next(CDS);
    if (kind === "ack-wrong-version")
      sub.subscribe(CDS, [], { version: "not-what-was-sent", nonce: r1.nonce });
    else sub.ack(r1);
    if (kind === "nack-rejected-version") {
      await cp.apply("v2", state(["a"], ["a"]));
      const r2 = await sub.next(CDS);
      sub.nack(r2, "double rejects v2", { version: r2.version });
    }
    await cp.caughtUp();
    return { entries: [...cp.tap.entries()], nodeId: cp.nodeId };
  } finally {
    await cp[Symbol.asyncDispose]();
  }
}

export const doubleTwin = (kind: DoubleKind, description: string) => ({
  name: `dp-double:${kind}`,
  description: `a scripted data plane that ${description}`,
  params: { double: kind },
});
