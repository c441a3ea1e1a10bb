// Features a check can require, and which a matrix cell offers. A check whose features the cell lacks
// is reported `skipped: <reason>` — never silently dropped, never a pass.
import { isProxylessClient, PROXYLESS_VARIANTS } from "../dataplanes/proxyless.ts";
import type { Variant } from "../scenario/variant.ts";

export type Feature =
  | "ads"
  | "per-type"
  | "sotw"
  | "delta"
  | "rest"
  | "file"
  /** The control plane is the reference server (ordering policies, fault modes). */
  | "reference-cp"
  /**
   * The control plane translates Kubernetes Services/EndpointSlices with the reference translator
   * (harness/translate), so its translator faults can be injected: `reference` (translating in the
   * check's process) or `kube-reference` (watching the cluster).
   */
  | "kube-translator"
  /** The data plane has Envoy's admin API (config_dump, clusters, /ready). */
  | "envoy-admin"
  /** The data plane carries HTTP traffic through a listener. */
  | "http-listener"
  /** The data plane is a gRPC proxyless client that sends RPCs itself. */
  | "proxyless"
  | "docker"
  | "kube";

export interface CellCapabilities {
  cp: string;
  dp: string;
  variant: Variant;
  /** Extra features the environment provides (docker, kube). */
  environment?: Feature[];
  /** Why the environment lacks a feature, when known. */
  absent?: Partial<Record<Feature, string>>;
}

export function cellFeatures(c: CellCapabilities): Set<Feature> {
  const f = new Set<Feature>(c.environment ?? []);
  f.add(c.variant.transport);
  if (c.variant.mode === "ads") f.add("ads");
  if (c.variant.mode === "per-type") f.add("per-type");
  if (c.variant.mode === "rest") f.add("rest");
  if (c.variant.mode === "file") f.add("file");
  if (c.cp === "reference") f.add("reference-cp");
  if (c.cp === "reference" || KUBE_DRIVEN_CPS.has(c.cp)) f.add("kube-translator");
  if (c.dp === "envoy" || c.dp === "envoy-container" || c.dp === "command") {
    f.add("envoy-admin");
    f.add("http-listener");
  }
  if (isProxylessClient(c.dp)) f.add("proxyless");
  return f;
}

/**
 * Requirements about what a cell *is* (its variant, the kind of data plane): a check that needs one the
 * cell lacks does not apply there and is left out of the plan. The others (docker, kube, reference-cp)
 * are prerequisites: when missing, the check is reported `skipped: <reason>`.
 */
export const APPLICABILITY: ReadonlySet<Feature> = new Set<Feature>([
  "ads",
  "per-type",
  "sotw",
  "delta",
  "rest",
  "file",
  "envoy-admin",
  "http-listener",
  "proxyless",
]);

/**
 * Control planes configured by Kubernetes objects only (no snapshots): only checks that drive them
 * through the cluster (requires "kube-translator") apply to them; the rest are not part of their plan.
 */
export const KUBE_DRIVEN_CPS: ReadonlySet<string> = new Set(["kube-reference"]);

/** Why a kube-driven control plane leaves a check out of its plan, or undefined when it does not. */
export function kubeDrivenExclusion(requires: Feature[], cp: string): string | undefined {
  if (!KUBE_DRIVEN_CPS.has(cp) || requires.includes("kube-translator")) return undefined;
  return `control plane "${cp}" is configured by Kubernetes objects, not by snapshots (it runs the checks that require "kube-translator": the parity suite)`;
}

export function applies(requires: Feature[], c: CellCapabilities): boolean {
  if (kubeDrivenExclusion(requires, c.cp)) return false;
  const offered = cellFeatures(c);
  return requires.every((r) => !APPLICABILITY.has(r) || offered.has(r));
}

/** Why a check cannot run in a cell, or undefined when it can. */
export function missingFeatures(
  requires: Feature[],
  offered: Set<Feature>,
  c: CellCapabilities,
): string | undefined {
  const missing = requires.filter((r) => !offered.has(r));
  if (missing.length === 0) return undefined;
  const why: Record<string, string> = {
    "reference-cp": `control plane "${c.cp}" has no ordering policies or fault modes (reference only)`,
    "kube-translator": `control plane "${c.cp}" does not translate Kubernetes objects with the reference translator (reference, kube-reference)`,
    "envoy-admin": `data plane "${c.dp}" has no Envoy admin API`,
    "http-listener": `data plane "${c.dp}" carries no HTTP listener traffic`,
    proxyless: `data plane "${c.dp}" is not a gRPC proxyless client`,
    docker: "no Docker engine",
    kube: "no Kubernetes cluster",
  };
  return missing.map((m) => c.absent?.[m] ?? why[m] ?? `variant lacks "${m}"`).join("; ");
}

/** Why a whole cell cannot run (an implementation that does not speak the variant), or undefined. */
export function cellUnsupported(c: CellCapabilities): string | undefined {
  const v =
    c.variant.mode === "rest" || c.variant.mode === "file"
      ? c.variant.mode
      : `${c.variant.transport}-${c.variant.mode}`;
  // What each gRPC client speaks is data (harness/dataplanes/proxyless.ts), with the source that decides it.
  if (isProxylessClient(c.dp) && !PROXYLESS_VARIANTS[c.dp].variants.includes(v))
    return `data plane "${c.dp}" speaks ${PROXYLESS_VARIANTS[c.dp].variants.join(", ")} only, not ${v}: ${PROXYLESS_VARIANTS[c.dp].source}`;
  if (c.cp !== "reference" && (c.variant.mode === "rest" || c.variant.mode === "file"))
    return `control plane "${c.cp}" serves gRPC variants only, not ${v}`;
  return undefined;
}
