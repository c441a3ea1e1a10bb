// Runs one parity check: the same Kubernetes states and the same client workload through every path —
// kube-proxy in each mode this kernel has (path A) and the Envoy sidecar (path B) — then judges each
// path against the check's documented expectation (EXPECTATIONS.md) and builds the behaviour × path table.
//
// Tags: `must-match` — every path must show the same expected behaviour; `divergence-by-design` — the
// paths differ on purpose, and the difference itself never fails the check, but each path must still
// behave as documented for it (so a control plane that breaks the sidecar's side is caught);
// `mode-specific` — the expectation differs between kube-proxy modes.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CheckContext } from "../../../harness/checks/context.ts";
import { fail, pass, skipped } from "../../../harness/checks/define.ts";
import type { Evidence, Verdict } from "../../../harness/checks/types.ts";
import { proxyModeSupport } from "../../../harness/clusters/local/kube-proxy.ts";
import type { ProxyMode } from "../../../harness/clusters/types.ts";
import { isTranslatorFault, TRANSLATOR_FAULTS } from "../../../harness/translate/faults.ts";
import { observe, summary, type Observation, type Traffic } from "./observe.ts";
import type { FeedKind } from "./feeds.ts";
import { Sidecar } from "./sidecar.ts";
import { parityTable } from "./table.ts";
import { CLUSTER_IP, ParityTopology, type EchoPodSpec, type KubeState } from "./topology.ts";

export type ParityTag = "must-match" | "divergence-by-design" | "mode-specific";
export type PathName = `kube-proxy/${ProxyMode}` | "sidecar/envoy";
export const KUBE_MODES: ProxyMode[] = ["iptables", "nftables", "ipvs"];

export interface ParityStep {
  name: string;
  state(t: ParityTopology): KubeState;
  /** Strings kube-proxy's rules mention (and do not) once it has programmed this step. */
  rules(t: ParityTopology): { present: string[]; absent?: string[] };
  traffic: Traffic[];
  /**
   * Changes made while the step's first traffic runs as constant load (endpoint churn): each is applied
   * and awaited on the path (kube-proxy's rules, the sidecar's ACKs) before the next; the load stops
   * after the last. Without it, the traffic is sent after the step's state is in place.
   */
  during?: (t: ParityTopology) => ChurnChange[];
  /** The documented expectation, per path family, for the table (EXPECTATIONS.md says the same). */
  expected: { kubeProxy: string; sidecar: string };
  /**
   * undefined when the path behaved as expected, else what it did instead (one sentence). `config` is
   * what the path was programmed with after this step: kube-proxy's rules dump of the node namespace, or
   * the sidecar Envoy's config dump (JSON text), for behaviours judged without traffic (headless).
   */
  judge(obs: Observation[], path: PathName, t: ParityTopology, config: string): string | undefined;
}

export interface ChurnChange {
  name: string;
  /** Before the state is written (e.g. a new pod starts). */
  before?(t: ParityTopology): Promise<void>;
  state(t: ParityTopology): KubeState;
  rules(t: ParityTopology): { present: string[]; absent?: string[] };
  /** Once the path has the state (e.g. the pod that left stops). */
  after?(t: ParityTopology): Promise<void>;
}

export interface ParitySpec {
  tag: ParityTag;
  behaviour: string;
  pods: EchoPodSpec[];
  steps: ParityStep[];
}

interface PathOutcome {
  path: PathName;
  skipped?: string;
  steps: { step: string; observations: Observation[]; problem?: string }[];
}

export async function runParity(ctx: CheckContext, spec: ParitySpec): Promise<Verdict> {
  const faultParam = ctx.params.translatorFault;
  if (faultParam !== undefined && !isTranslatorFault(faultParam))
    throw new Error(
      `twin param translatorFault: expected one of ${Object.keys(TRANSLATOR_FAULTS).join(", ")}, got ${JSON.stringify(faultParam)}`,
    );
  // Network namespaces, veths and netfilter rules need root; anything else missing is a setup error.
  if (process.platform !== "linux" || process.getuid?.() !== 0)
    return skipped("the local cluster needs Linux and root (ip netns, iptables, nft)");
  ctx.phase("starting the local cluster");
  const topo = await ParityTopology.start(spec.pods);
  const sidecar = new Sidecar(topo.cluster, topo.sidecarPod, faultParam, feedOf(ctx.cell.cp));
  const outcomes: PathOutcome[] = [];
  const evidence: Evidence[] = [];
  try {
    for (const mode of KUBE_MODES) {
      const path: PathName = `kube-proxy/${mode}`;
      const support = proxyModeSupport(mode);
      if (!support.supported) {
        outcomes.push({ path, skipped: `skipped: ${support.reason}`, steps: [] });
        continue;
      }
      ctx.phase(`path ${path}`);
      await switchMode(topo, mode, spec.steps.at(-1)!);
      const outcome: PathOutcome = { path, steps: [] };
      for (const step of spec.steps) {
        await topo.applyState(step.state(topo));
        const { present, absent = [] } = step.rules(topo);
        await topo.cluster.waitForProxyRules(present, 30_000, absent);
        const observations = step.during
          ? await sendDuring(topo, topo.client, step, async (c) => {
              const { present: p, absent: a = [] } = c.rules(topo);
              await topo.cluster.waitForProxyRules(p, 30_000, a);
            })
          : await sendAll(topo, topo.client, step.traffic);
        const rules = await topo.cluster.proxyRules();
        outcome.steps.push({
          step: step.name,
          observations,
          problem: step.judge(observations, path, topo, rules),
        });
        evidence.push({
          label: `kube-proxy ${mode} rules (${step.name})`,
          file: `rules-${mode}-${slug(step.name)}.txt`,
          content: rules,
        });
      }
      outcomes.push(outcome);
    }
    ctx.phase("path sidecar/envoy");
    const outcome: PathOutcome = { path: "sidecar/envoy", steps: [] };
    for (const step of spec.steps) {
      await topo.applyState(step.state(topo));
      await sidecar.apply(await topo.readState());
      const observations = step.during
        ? await sendDuring(topo, topo.sidecarPod, step, async () => sidecar.apply(await topo.readState()))
        : await sendAll(topo, topo.sidecarPod, step.traffic);
      const dump = await sidecar.configDump();
      outcome.steps.push({
        step: step.name,
        observations,
        problem: step.judge(observations, "sidecar/envoy", topo, dump),
      });
      evidence.push(
        {
          label: `xDS from the translator (${step.name}, ${sidecar.feedKind})`,
          file: `xds-${slug(step.name)}.json`,
          content: sidecar.lastPush
            ? {
                version: sidecar.lastPush.version,
                sources: sidecar.lastPush.sources,
                ...sidecar.lastPush.translation,
              }
            : {},
        },
        {
          label: `Envoy config dump (${step.name})`,
          file: `envoy-config-dump-${slug(step.name)}.json`,
          content: dump,
        },
      );
    }
    outcomes.push(outcome);
    evidence.push({
      label: "sidecar interception rules",
      file: "sidecar-iptables-nat.txt",
      content: await sidecar.interceptionRules(),
    });
  } finally {
    if (outcomes.every((o) => o.path !== "sidecar/envoy") && sidecar.logs())
      evidence.push({ label: "sidecar Envoy log", file: "sidecar-envoy.log", content: sidecar.logs() });
    await sidecar.stop().catch(() => undefined);
    await topo.stop();
  }
  return verdictOf(spec, outcomes, evidence, faultParam);
}

/** The sidecar's feed for the cell's control plane (features.ts offers "kube-translator" for both). */
function feedOf(cp: string): FeedKind {
  if (cp === "reference" || cp === "kube-reference") return cp;
  throw new Error(`control plane "${cp}": expected reference or kube-reference for the sidecar path`);
}

/**
 * Before a kube-proxy path other than the first: the new kube-proxy has first programmed what the API
 * server holds (the previous path's last step), then the check's objects are removed and their rules gone,
 * so that no step is judged against rules left from another.
 */
async function switchMode(topo: ParityTopology, mode: ProxyMode, last: ParityStep): Promise<void> {
  if (topo.cluster.proxyMode === mode) return;
  await topo.cluster.setProxyMode(mode);
  const { present, absent = [] } = last.rules(topo);
  await topo.cluster.waitForProxyRules(present, 30_000, absent);
  await topo.applyState({ services: [], slices: [] });
  await topo.cluster.waitForProxyRules([], 30_000, [CLUSTER_IP]);
}

async function sendAll(topo: ParityTopology, pod: ParityTopology["client"], traffic: Traffic[]) {
  const out: Observation[] = [];
  for (const t of traffic) {
    const records = await topo.probe(pod, {
      target: `${CLUSTER_IP}:${t.port}`,
      count: t.count,
      keepAlive: t.keepAlive,
    });
    out.push(observe(t, records));
  }
  return out;
}

/**
 * The step's first traffic as constant load while its churn changes are made, each awaited on the path
 * (`programmed`) before the next. The load is running before the first change (its first answer is in)
 * and stops after the last.
 */
async function sendDuring(
  topo: ParityTopology,
  pod: ParityTopology["client"],
  step: ParityStep,
  programmed: (c: ChurnChange) => Promise<void>,
): Promise<Observation[]> {
  const t = step.traffic[0]!;
  const dir = mkdtempSync(join(topo.cluster.dir, "churn-"));
  const untilFile = join(dir, "stop");
  const startedFile = join(dir, "started");
  const load = topo.probe(pod, { target: `${CLUSTER_IP}:${t.port}`, count: t.count, untilFile, startedFile });
  let failed: unknown;
  void load.catch((e: unknown) => (failed = e));
  try {
    await waitForFile(startedFile, 15_000, () => failed);
    for (const change of step.during!(topo)) {
      await change.before?.(topo);
      await topo.applyState(change.state(topo));
      await programmed(change);
      await change.after?.(topo);
    }
  } finally {
    writeFileSync(untilFile, "");
  }
  const records = await load;
  rmSync(dir, { recursive: true, force: true });
  return [observe(t, records)];
}

async function waitForFile(file: string, timeoutMs: number, failed: () => unknown): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (failed()) throw failed();
    if (Date.now() > deadline)
      throw new Error(`load: expected its first answer within ${timeoutMs}ms, got none (${file} not made)`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function verdictOf(
  spec: ParitySpec,
  outcomes: PathOutcome[],
  evidence: Evidence[],
  fault: string | undefined,
): Verdict {
  const table = parityTable(spec, outcomes);
  const records = outcomes.flatMap((o) =>
    o.steps.flatMap((s) =>
      s.observations.flatMap((obs) =>
        obs.records.map((r) => ({ path: o.path, step: s.step, traffic: obs.traffic.label, ...r })),
      ),
    ),
  );
  const all: Evidence[] = [
    { label: "behaviour × path", file: "parity-table.md", content: table, excerpt: table },
    { label: "per-request records", file: "records.jsonl", content: records },
    ...evidence,
  ];
  const metrics: Record<string, string> = { tag: spec.tag, behaviour: spec.behaviour };
  if (fault) metrics.translatorFault = fault;
  for (const o of outcomes) {
    metrics[o.path] =
      o.skipped ??
      o.steps
        .map((s) => `${s.step}: ${s.observations.map(summary).join(" | ")}${s.problem ? " ✗" : ""}`)
        .join("; ");
  }
  const problems = outcomes.flatMap((o) =>
    o.steps.filter((s) => s.problem).map((s) => `${o.path} @ "${s.step}": ${s.problem}`),
  );
  if (problems.length > 0)
    return fail(`[${spec.tag}] ${spec.behaviour}: ${problems.join("; ")}`, all, metrics);
  return pass(all, metrics);
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}
