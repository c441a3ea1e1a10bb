// The shape of a findings list (findings.ts, envoy-findings.ts, proxyless-findings.ts): checks that keep
// failing on one implementation because it departs from a rule, where they fail, and the evidence the
// failing verdict must show. The tests hold each list to the truth both ways.

/** `Scope` names the field that says where the check fails (variantName()s, client names). */
export type Divergence<Scope extends string, Where extends string = string> = {
  check: string;
  /** RULES.md id of the rule the implementation breaks (the check's own rule, or one its script needs). */
  rule: string;
  reason: string;
  /** What the failing verdict's reason says. */
  evidence: RegExp;
} & { readonly [K in Scope]: readonly Where[] };

/** The lookup of a list: the divergence listed for `check` where it runs, if any. */
export const divergenceLookup =
  <Scope extends string, D extends Divergence<Scope>>(list: readonly D[], scope: Scope) =>
  (check: string, where: string): D | undefined =>
    list.find((d) => d.check === check && (d[scope] as readonly string[]).includes(where));
