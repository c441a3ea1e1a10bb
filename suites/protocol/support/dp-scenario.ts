// Steps the data-plane checks take on a started scenario (real data plane behind the tap): extra
// resources to add and remove beside the fixture's, a control-plane-side stream reset, and polling the
// data plane's applied state until it matches — each with a deadline, never a sleep.
import type { Scenario } from "../../../harness/scenario/scenario.ts";
import type { Stack } from "../../../harness/scenario/stack.ts";
import type { JsonObject } from "../../../harness/proto/codec.ts";
import { CLUSTER_TYPE_URL } from "../../../harness/proto/type-urls.ts";
import { waitFor } from "../../../harness/dataplanes/envoy-admin.ts";
import { edsCluster, httpListener, loadAssignment, routeConfig } from "../../../harness/xds/resources.ts";
import type { TranscriptEntry } from "../../../harness/tap/transcript.ts";
import type { Applied } from "./dp-state-rules.ts";
import { envoyApplied } from "./envoy-applied.ts";

/** The fixture's resources as served (templates rendered). */
export const baseOf = (s: Scenario): JsonObject[] => s.fixture.resources.map((r) => r.json);

/** Cluster `name` and its load assignment (one endpoint at the fixture's first backend). */
export function extraCluster(s: Scenario, name: string, withEndpoints = true): JsonObject[] {
  const port = [...s.stack.backends.values()][0]!.port;
  return [edsCluster(name), ...(withEndpoints ? [loadAssignment(name, [{ port }])] : [])];
}

/** Listener `name` on an ephemeral port, its routes `<name>-routes` to the fixture's cluster "backend". */
export function extraListener(name: string, withRoutes = true): JsonObject[] {
  return [
    httpListener(name, 0, `${name}-routes`),
    ...(withRoutes ? [routeConfig(`${name}-routes`, "backend")] : []),
  ];
}

/** The same resources with every cluster's connect timeout changed (a change of every cluster). */
export const retimed = (resources: JsonObject[], timeout: string, only?: string): JsonObject[] =>
  resources.map((r) =>
    r["@type"] === CLUSTER_TYPE_URL && (!only || r.name === only) ? { ...r, connect_timeout: timeout } : r,
  );

/** The reference server's "serve exactly this, now" policy; other control planes just serve it. */
export const asGiven = (stack: Stack) => (stack.isReference ? ("as-given" as const) : undefined);

/**
 * Ends the data plane's streams from the control plane's side (through the tap) and waits until it has
 * reconnected, re-requested every type it had requested on new streams, and is owed nothing again at
 * `version`.
 */
export async function resetAndResync(stack: Stack, version: string, timeoutMs = 15_000) {
  const before = stack.tap.entries();
  const last = Math.max(0, ...before.map((e) => e.stream));
  const types = new Set(before.filter((e) => e.direction === "request").map((e) => e.typeUrl));
  stack.tap.resetStreams();
  for (const t of types)
    await stack.tap.waitFor(
      (e) => e.direction === "request" && e.stream > last && e.typeUrl === t,
      `a ${t.split(".").pop()} request on a new stream after the reset`,
      timeoutMs,
    );
  await stack.waitForAcked(version, timeoutMs);
}

/** Polls Envoy's applied state until `done` holds or the deadline passes; returns the last state seen. */
export async function appliedWhen(
  stack: Stack,
  done: (a: Applied) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<Applied> {
  let last: Applied = new Map();
  await waitFor(
    async () => {
      last = await envoyApplied(stack.dp.admin);
      return done(last)
        ? { done: true, value: undefined }
        : {
            done: false,
            seen: [...last].map(([t, n]) => `${t.split(".").pop()}=[${[...n].join(",")}]`).join(" "),
          };
    },
    { timeoutMs, what },
  ).catch(() => undefined);
  return last;
}

/** Waits (with a deadline) for a request that subscribes to `name` of `typeUrl`; never throws. */
export async function subscribed(stack: Stack, typeUrl: string, name: string, timeoutMs = 10_000) {
  await stack.tap
    .waitFor(
      (e) => e.direction === "request" && e.typeUrl === typeUrl && !!e.resourceNames?.includes(name),
      `a ${typeUrl.split(".").pop()} request subscribing to "${name}"`,
      timeoutMs,
    )
    .catch(() => undefined);
}

/**
 * Waits (with a deadline) for the request that drops `name` from the data plane's subscription to
 * `typeUrl` — SotW: a request no longer naming it; delta: an unsubscribe naming it; per-type: the end
 * of the stream that named it. A data plane that
 * never sends one is judged by the rule, so the deadline passing is not an error here.
 */
export async function followedBy(stack: Stack, typeUrl: string, name: string, timeoutMs = 10_000) {
  const named = stack.tap
    .entries()
    .find((e) => e.direction === "request" && e.typeUrl === typeUrl && e.resourceNames?.includes(name));
  if (!named) return;
  await stack.tap
    .waitFor(
      (e) =>
        e.seq > named.seq &&
        // per-type: the stream of that one resource ends
        ((e.direction === "close" && e.stream === named.stream) ||
          (e.direction === "request" &&
            e.typeUrl === typeUrl &&
            (e.kind === "delta" ? !!e.unsubscribe?.includes(name) : !e.resourceNames?.includes(name)))),
      `a ${typeUrl.split(".").pop()} request dropping "${name}"`,
      timeoutMs,
    )
    .catch(() => undefined);
}

/**
 * Waits until `rule` holds on the transcript (re-judged on every new entry) or the deadline passes, for
 * rules about answers a data plane owes: a control plane we do not run gives no quiescence signal, so
 * the last answers may still be on their way when the apply resolves. Returns the final reason.
 */
export async function untilHolds(
  stack: Stack,
  rule: (entries: readonly TranscriptEntry[]) => string | undefined,
  timeoutMs = 5000,
): Promise<string | undefined> {
  const judge = () => rule(stack.tap.entries());
  if (judge() === undefined) return undefined;
  await stack.tap.waitFor(() => judge() === undefined, "the rule to hold", timeoutMs).catch(() => undefined);
  return judge();
}
