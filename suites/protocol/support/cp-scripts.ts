// Openings that several control-plane scripts share: a first response subscribed to and ACKed, a
// response that must come (its absence said in the rule's words), and the set-ups that pairs of checks
// judge from opposite sides (one cluster changed; a delta reconnect with initial versions; a resource
// served with a TTL).
import type { CheckContext } from "../../../harness/checks/context.ts";
import { skipped } from "../../../harness/checks/define.ts";
import type { Verdict } from "../../../harness/checks/types.ts";
import { CLUSTER_TYPE_URL as CDS } from "../../../harness/proto/type-urls.ts";
import type { JsonObject } from "../../../harness/proto/codec.ts";
import { failWith, withControlPlane, type ControlPlaneUnderTest } from "./control-plane.ts";
import { clusters, state } from "./resources.ts";
import type { Reply, SubscribeOptions } from "./subscriber.ts";
import { declareResourceInSotw, TTL_MS, ttlUnsupported, withTtl } from "./ttl.ts";

/**
 * Subscribes to `names` of `typeUrl` (omitted: `subscribeAll`, the form every server understands),
 * ACKs the first response and returns it.
 */
export async function firstAcked(
  cp: ControlPlaneUnderTest,
  typeUrl: string,
  names?: string[],
  opts?: SubscribeOptions,
): Promise<Reply> {
  if (names) cp.sub.subscribe(typeUrl, names, opts);
  else cp.sub.subscribeAll(typeUrl, opts);
  const r = await cp.sub.next(typeUrl);
  cp.sub.ack(r);
  return r;
}

/** `state(names)` served at v1, then `firstAcked` of `subscription` to `typeUrl`. */
export async function servedAndAcked(
  cp: ControlPlaneUnderTest,
  names: string[],
  typeUrl: string,
  subscription?: string[],
): Promise<Reply> {
  await cp.apply("v1", state(names));
  return firstAcked(cp, typeUrl, subscription);
}

/** The next response of `typeUrl`; when none comes, throws `<missing>: <what was awaited>`. */
export const owed = (
  cp: ControlPlaneUnderTest,
  typeUrl: string,
  missing: string,
  timeoutMs?: number,
): Promise<Reply> =>
  cp.sub.next(typeUrl, timeoutMs).catch((e: Error) => {
    throw new Error(`${missing}: ${e.message}`);
  });

/** Clusters a, b, c subscribed by "*" and ACKed at v1; v2 changes only "a". Returns the v2 CDS response. */
export async function afterOneClusterChanged(cp: ControlPlaneUnderTest): Promise<Reply> {
  await servedAndAcked(cp, ["a", "b", "c"], CDS, ["*"]);
  await cp.apply("v2", state(["a", "b", "c"], ["a"]));
  return cp.sub.next(CDS);
}

/**
 * Delta: clusters a, b subscribed by "*" and ACKed at v1; the client reconnects, `meanwhile` is served
 * as v2 while it is away, and the new stream subscribes "*" stating the versions it holds. Returns the
 * v1 response (what the client holds).
 */
export async function reconnectedWithVersions(
  cp: ControlPlaneUnderTest,
  meanwhile: JsonObject[],
): Promise<Reply> {
  const known = await servedAndAcked(cp, ["a", "b"], CDS, ["*"]);
  await cp.caughtUp();
  cp.sub.reconnect();
  await cp.apply("v2", meanwhile);
  cp.sub.subscribe(CDS, ["*"], { initialVersions: known.versions });
  return known;
}

/**
 * The TTL checks' opening: clusters a, b with a TTL on "a", subscribed to (all) by a client that takes
 * TTLs on SotW too; `script` gets the first CDS response, not yet ACKed, and the clusters without TTL.
 * Skips on control planes that do not declare TTL support; fails when "a" did not come with its TTL.
 */
export const withTtlServed = (
  ctx: CheckContext,
  script: (cp: ControlPlaneUnderTest, first: Reply, resources: JsonObject[]) => Promise<Verdict>,
): Promise<Verdict> =>
  withControlPlane(ctx, async (cp) => {
    const unsupported = ttlUnsupported(cp.handle);
    if (unsupported) return skipped(unsupported);
    // SotW carries a TTL only in a Resource wrapper, for clients that declare the feature (R51).
    declareResourceInSotw(cp.sub);
    const resources = clusters({ a: "1s", b: "1s" });
    await cp.apply("v1", withTtl(resources, CDS, ["a"]));
    cp.sub.subscribeAll(CDS);
    const first = await cp.sub.next(CDS);
    const served = first.carried.find((c) => c.name === "a");
    if (served?.ttlMs !== TTL_MS)
      return failWith(cp, `"a" was served with TTL ${served?.ttlMs ?? "(none)"}, expected ${TTL_MS}ms`);
    return script(cp, first, resources);
  });
