// A check is declared once, as a record (STYLE.md: "Checks are records, one per file"), with the
// spec it enforces, the features it needs, and its known-bad twins: faults it must fail on.
import type { ReferenceServerOptions } from "../xds/server.ts";
import type { Variant } from "../scenario/variant.ts";
import type { Role, SuiteName, Verdict } from "./types.ts";
import type { Feature } from "./features.ts";
import type { CheckContext } from "./context.ts";

/**
 * A known-bad twin: a way of breaking the setup that the check must catch. The twin test runs every
 * check on every twin against the reference control plane × Envoy and requires verdict `fail`.
 */
export interface Twin {
  /** e.g. "policy:rds-first", "fault:resend-nacked", "fixture:smoke-invalid". */
  name: string;
  description: string;
  /** Reference control-plane options for the twin (ordering policy, fault modes). */
  server?: ReferenceServerOptions;
  /** A fixture replacing the check's own (a misbehaving fixture). */
  fixture?: string;
  /** Anything else the check's run function reads (e.g. a wrong expectation). */
  params?: Record<string, unknown>;
}

export interface CheckDefinition {
  /** `<suite>.<kebab-name>`, stable: it appears in reports and on the command line. */
  id: string;
  suite: SuiteName;
  title: string;
  /** The rule enforced: `xds_protocol#<anchor>`, a discovery.proto field, or a Kubernetes doc. */
  spec: string;
  /** Whose behaviour the verdict is about. */
  role: Role;
  requires: Feature[];
  /** The check's fixture, relative to fixtures/scenarios/ (or absolute), or chosen per cell. */
  fixture?: string | ((cell: { cp: string; dp: string }) => string);
  twins: Twin[];
  /**
   * A statistical verdict's declared error rates: on a correct setup the check fails with probability
   * `alpha`; on a twin exactly at the tolerance it passes with probability 1 − `power`. The generic tests
   * size their attempts from these (harness/checks/attempts.ts); the bench measures the per-run rates.
   */
  statistics?: { alpha: number; power: number };
  /** The variants the check applies to (default: every variant that has the required features). */
  appliesTo?: (v: Variant) => boolean;
  timeoutMs?: number;
  run(ctx: CheckContext): Promise<Verdict>;
}

const ID_RE = /^[a-z]+(-[a-z]+)*\.[a-z0-9]+(-[a-z0-9]+)*$/;

export function defineCheck(def: CheckDefinition): CheckDefinition {
  if (!ID_RE.test(def.id)) throw new Error(`check id "${def.id}": expected "<suite>.<kebab-name>"`);
  if (!def.id.startsWith(`${def.suite}.`))
    throw new Error(`check id "${def.id}": expected prefix "${def.suite}."`);
  if (def.twins.length === 0)
    throw new Error(`check "${def.id}": expected at least one known-bad twin, got none`);
  return def;
}

export const pass = (evidence: Verdict["evidence"] = [], metrics?: Verdict["metrics"]): Verdict => ({
  verdict: "pass",
  evidence,
  metrics,
});
export const fail = (
  reason: string,
  evidence: Verdict["evidence"] = [],
  metrics?: Verdict["metrics"],
): Verdict => ({
  verdict: "fail",
  reason,
  evidence,
  metrics,
});
export const skipped = (reason: string): Verdict => ({ verdict: "skipped", reason, evidence: [] });
export const inconclusive = (
  reason: string,
  evidence: Verdict["evidence"] = [],
  metrics?: Verdict["metrics"],
): Verdict => ({
  verdict: "inconclusive",
  reason,
  evidence,
  metrics,
});
