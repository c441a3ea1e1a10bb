// Resource TTLs for the protocol suite (xds_protocol "TTL", "SotW TTL"): TTL'd states for the control
// planes that support them (the reference server takes `"@ttl"` next to `"@type"`), and what the TTL
// checks observe of a data plane: whether a cluster is present, sampled from the admin API.
import type { CheckContext } from "../../../harness/checks/context.ts";
import type { Verdict } from "../../../harness/checks/types.ts";
import { skipped } from "../../../harness/checks/define.ts";
import type { StartedControlPlane } from "../../../harness/controlplanes/types.ts";
import { renderFixture } from "../../../harness/fixtures/render.ts";
import { Stack } from "../../../harness/scenario/stack.ts";
import { formatEntry } from "../../../harness/tap/transcript.ts";
import type { EnvoyAdmin } from "../../../harness/dataplanes/envoy-admin.ts";
import type { JsonObject } from "../../../harness/proto/codec.ts";
import { SUPPORTS_RESOURCE_IN_SOTW } from "../../../harness/xds/ttl.ts";
import type { Subscriber } from "./subscriber.ts";

/** Short, so the checks stay fast; heartbeats come three times per TTL (harness/xds/ttl.ts). */
export const TTL_MS = 1000;

/** The resources with `"@ttl"` set on the named resources of `typeUrl` (null: the TTL removed). */
export function withTtl(
  resources: JsonObject[],
  typeUrl: string,
  names: string[],
  ttlMs: number | null = TTL_MS,
): JsonObject[] {
  return resources.map((r) => {
    if (r["@type"] !== typeUrl || !names.includes(String(r.name))) return r;
    const { "@ttl": _old, ...rest } = r;
    return ttlMs === null ? rest : { ...rest, "@ttl": `${ttlMs / 1000}s` };
  });
}

/** Why a control plane cannot be given TTL'd resources, or undefined when it declares "ttl". */
export function ttlUnsupported(cp: StartedControlPlane): string | undefined {
  if (cp.features.includes("ttl")) return undefined;
  return `control plane "${cp.name}" does not declare TTL support (feature "ttl"), so it cannot be given resources with a TTL to serve`;
}

/** The scripted client declares xds.config.supports-resource-in-sotw from its next stream on. */
export function declareResourceInSotw(sub: Subscriber): void {
  sub.node.clientFeatures = [...(sub.node.clientFeatures ?? []), SUPPORTS_RESOURCE_IN_SOTW];
}

export interface PresenceSample {
  at: number;
  present: boolean;
}

/**
 * Samples whether the data plane has cluster `name` every 50 ms until `stop(sample)` says so or
 * windowMs passed: a deadline for a positive observation (expiry), the window of a negative one (kept).
 */
export async function sampleCluster(
  admin: EnvoyAdmin,
  name: string,
  windowMs: number,
  stop: (s: PresenceSample) => boolean = () => false,
): Promise<PresenceSample[]> {
  const samples: PresenceSample[] = [];
  const end = Date.now() + windowMs;
  while (Date.now() < end) {
    const present = (await admin.clusters()).some((c) => c.name === name);
    const s = { at: Date.now(), present };
    samples.push(s);
    if (stop(s)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return samples;
}

/** R49: the cluster is gone within deadlineMs of `from`; the reason otherwise. */
export function expiredBy(
  samples: readonly PresenceSample[],
  name: string,
  from: number,
  deadlineMs: number,
): string | undefined {
  const gone = samples.find((s) => !s.present);
  if (!gone)
    return `cluster "${name}" still present ${samples.at(-1) ? Math.round(samples.at(-1)!.at - from) : 0}ms after the control plane went away (TTL ${TTL_MS}ms, deadline ${deadlineMs}ms; ${samples.length} admin samples)`;
  if (gone.at - from > deadlineMs)
    return `cluster "${name}" removed only ${Math.round(gone.at - from)}ms after the control plane went away (deadline ${deadlineMs}ms)`;
  return undefined;
}

/** The cluster stayed for the whole window; the reason otherwise. */
export function keptThroughout(
  samples: readonly PresenceSample[],
  name: string,
  from: number,
  why: string,
): string | undefined {
  if (samples.length === 0) return `no admin sample of cluster "${name}" was taken`;
  const gone = samples.find((s) => !s.present);
  if (gone) return `cluster "${name}" was removed ${Math.round(gone.at - from)}ms after ${why}`;
  return undefined;
}

/**
 * The check's fixture on the cell (ctx.startScenario for delta); on SotW, Envoy's bootstrap node declares
 * xds.config.supports-resource-in-sotw: Envoy (1.40) declares no client features itself, yet parses
 * Resource-wrapped SotW resources, so this is how its SotW TTL handling can be exercised at all
 * (protocol.cp-sotw-ttl-wrap-gated holds servers to the gate). Always stopped; its transcript (and, on a
 * failed verdict, Envoy's log) go to the evidence.
 */
export async function withTtlStack(
  ctx: CheckContext,
  script: (stack: Stack, resources: JsonObject[]) => Promise<Verdict>,
): Promise<Verdict> {
  if (ctx.cell.variant.transport === "delta") {
    // Delta carries TTLs natively: the cell's own data plane, started the usual way.
    const { stack, fixture } = await ctx.startScenario();
    return script(
      stack,
      fixture.resources.map((r) => r.json),
    );
  }
  if (ctx.cell.dp !== "envoy")
    return skipped(
      `SotW TTLs need the data plane to declare ${SUPPORTS_RESOURCE_IN_SOTW}; only the Envoy process's bootstrap is set up to here, not "${ctx.cell.dp}"`,
    );
  const f = ctx.loadFixture();
  ctx.phase(`starting ${f.name} (Envoy declaring ${SUPPORTS_RESOURCE_IN_SOTW})`);
  const stack = await Stack.start({
    variant: ctx.cell.variant,
    backends: f.backends.map((b) => ({ name: b.name })),
    listeners: f.listeners,
    server: { ...ctx.twin?.server },
  });
  let verdict: Verdict | undefined;
  try {
    const resources = renderFixture(f, stack.vars()).resources.map((r) => r.json);
    await stack.apply("v1", resources);
    await stack.startEnvoy((b) =>
      b.withBootstrap((bs) => ({
        ...bs,
        node: { ...(bs.node as object), client_features: [SUPPORTS_RESOURCE_IN_SOTW] },
      })),
    );
    await stack.waitForAcked("v1");
    await stack.dp.waitForReady({ timeoutMs: 15_000 });
    verdict = await script(stack, resources);
    return verdict;
  } finally {
    const entries = [...stack.tap.entries()];
    const t0 = entries[0]?.at ?? 0;
    ctx.addEvidence({
      label: "transcript",
      file: "transcript.jsonl",
      content: entries,
      excerpt: entries
        .slice(-12)
        .map((e) => formatEntry(e, t0))
        .join("\n"),
    });
    if (verdict?.verdict !== "pass" && stack.dataPlane)
      ctx.addEvidence({ label: "data plane log", file: "dataplane.log", content: stack.dp.logs() });
    await stack.stop();
  }
}
