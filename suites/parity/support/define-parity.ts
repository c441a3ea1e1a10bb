// The record every parity check shares: suite, role, requirements, the sotw-ads variant only (the
// behaviour under test is the translation, not the xDS transport), one translator fault as its
// known-bad twin, and runParity as its body. A check file says only what differs: its id, title, spec,
// twin and the ParitySpec (tag, behaviour, pods, steps).
import { defineCheck, type CheckDefinition } from "../../../harness/checks/define.ts";
import type { TranslatorFault } from "../../../harness/translate/faults.ts";
import { runParity, type ParitySpec } from "./run-parity.ts";

export interface ParityCheck extends ParitySpec {
  id: `parity.${string}`;
  /** The title without the tag; the tag is prefixed (`[must-match] …`). */
  title: string;
  spec: string;
  /** The translator bug this check must catch: the sidecar stops matching kube-proxy under it. */
  twin: { fault: TranslatorFault; description: string };
}

export function defineParityCheck(c: ParityCheck): CheckDefinition {
  const { id, title, spec, twin, ...parity } = c;
  return defineCheck({
    id,
    suite: "parity",
    title: `[${c.tag}] ${title}`,
    spec,
    role: "control-plane",
    // kube: the local cluster; kube-translator: a control plane whose translator faults can be injected
    // (reference in process, or kube-reference watching the cluster).
    requires: ["kube", "kube-translator"],
    appliesTo: (v) => v.transport === "sotw" && v.mode === "ads",
    twins: [
      {
        name: `translator:${twin.fault}`,
        description: twin.description,
        params: { translatorFault: twin.fault },
      },
    ],
    timeoutMs: 120_000,
    run: (ctx) => runParity(ctx, parity),
  });
}
