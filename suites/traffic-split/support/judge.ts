// From samples to a verdict: the declared test (SPRT, G-test, exact zero), the report every verdict carries
// (observed vs expected share, confidence interval at 1 − α, n, test statistic), and the bookkeeping
// checks that come first — every request sent is counted client-side, errors included, and must agree
// with what each backend counted itself.
import { fail, inconclusive, pass } from "../../../harness/checks/define.ts";
import type { Evidence, Verdict } from "../../../harness/checks/types.ts";
import { NO_TARGET, type SplitSample } from "../../../harness/traffic/split-sampler.ts";
import { gTest } from "../../../harness/traffic/stats/g-test.ts";
import { clopperPearsonInterval } from "../../../harness/traffic/stats/proportion-intervals.ts";
import { isLoss, summarize, type TrafficRecord } from "../../../harness/traffic/load-driver.ts";
import {
  describeWeights,
  nonZeroGuardSamples,
  positiveWeights,
  share,
  sprtPlan,
  type SplitPlan,
} from "./plan.ts";

type Metrics = Record<string, number | string>;

const fmt = (x: number, digits = 4) => Number(x.toFixed(digits));

/** Client-side counts per backend over every record sent, against each backend's own count. */
export function crossCheck(
  records: readonly TrafficRecord[],
  serverCounts: Record<string, number>,
): string[] {
  const client = summarize(records).byBackend;
  const names = new Set([...Object.keys(client), ...Object.keys(serverCounts)]);
  return [...names]
    .sort()
    .filter((b) => (client[b] ?? 0) !== (serverCounts[b] ?? 0))
    .map(
      (b) =>
        `backend "${b}": expected the ${client[b] ?? 0} requests the client saw answered, got ${serverCounts[b] ?? 0} counted by the backend`,
    );
}

export function judgeSplit(
  plan: SplitPlan,
  result: SplitSample,
  serverCounts: Record<string, number>,
): Verdict {
  const { alpha, tolerance, power } = plan.statistics;
  const n = result.samples.length;
  const metrics: Metrics = {
    method: plan.method.kind,
    weights: describeWeights(plan.weights),
    alpha,
    tolerance,
    power,
    n,
    requestsSent: result.records.length,
    decision: result.decision,
  };
  for (const target of Object.keys(plan.weights)) {
    const hits = result.counts[target] ?? 0;
    metrics[`expected.${target}`] = fmt(share(plan.weights, target));
    metrics[`observed.${target}`] = n > 0 ? fmt(hits / n) : "n/a";
    if (n > 0) {
      const ci = clopperPearsonInterval(hits, n, 1 - alpha);
      metrics[`ci.${target}`] = `[${fmt(ci.lower)}, ${fmt(ci.upper)}]`;
    }
    metrics[`server.${target}`] = serverCounts[target] ?? 0;
  }
  // Built when a verdict is returned, so the excerpt carries the test statistic and SPRT fields set below.
  const evidence = (): Evidence[] => [
    { label: "traffic records", file: "traffic.jsonl", content: result.records },
    {
      label: "split statistics",
      file: "split.json",
      content: { metrics: { ...metrics }, sprt: result.sprt },
      excerpt: JSON.stringify(metrics),
    },
  ];
  const observed = Object.keys(plan.weights)
    .map(
      (t) =>
        `${t} ${metrics[`observed.${t}`]} (expected ${metrics[`expected.${t}`]}, ${(1 - alpha) * 100}% CI ${metrics[`ci.${t}`]})`,
    )
    .join(", ");

  const lost = result.records.filter(isLoss);
  if (lost.length > 0) {
    const first = lost[0];
    return fail(
      `requests lost: expected 0, got ${lost.length} of ${result.records.length} (first: seq ${first.seq} ${first.error ?? `status ${first.status} ${first.responseFlags ?? ""}`})`,
      evidence(),
      metrics,
    );
  }
  const mismatches = crossCheck(result.records, serverCounts);
  if (mismatches.length > 0)
    return fail(`client/server counts disagree: ${mismatches.join("; ")}`, evidence(), metrics);
  if ((result.counts[NO_TARGET] ?? 0) > 0)
    return fail(
      `samples that reached no declared target: expected 0, got ${result.counts[NO_TARGET]}`,
      evidence(),
      metrics,
    );
  if (result.decision === "aborted")
    return inconclusive("sampling aborted before a decision", evidence(), metrics);

  const method = plan.method;
  if (method.kind === "sprt") {
    const sprt = result.sprt!;
    const p0 = share(plan.weights, method.target);
    const sides = [sprt.below, sprt.above].filter((s) => s !== undefined);
    metrics.statistic = `SPRT LLR ${fmt(sprt.llr, 3)} (max over sides; n ${sprt.n}, hits ${sprt.hits})`;
    metrics.sprtN = sprt.n;
    const sequential = sprtPlan(plan)!;
    metrics.cap = sequential.maxSamples;
    if (sequential.design) {
      // The design's exact error rates for this cap (harness/traffic/stats/split-sprt-design.ts).
      const d = sequential.design;
      metrics.boundaries = `reject: an LLR ≥ ${fmt(d.lnA, 3)}; accept: LLRs ≤ ${fmt(d.lnBBelow, 3)} (below), ${fmt(d.lnBAbove, 3)} (above)`;
      metrics.exactFalseFail = Number(d.falseFail.toPrecision(3));
      metrics.exactPower = fmt(d.power, 5);
    }
    metrics.sides = sides.map((s) => s.decision).join(",");
    const guard = nonZeroGuardSamples(plan);
    const zero = Object.keys(plan.weights).filter((t) => (result.counts[t] ?? 0) === 0);
    if (guard > 0 && zero.length > 0)
      return fail(
        `targets with weight > 0 got no request in ${n} samples: ${zero.join(", ")} (a correct split shows each at least once with probability ≥ 1 − α/2)`,
        evidence(),
        metrics,
      );
    const claim = `share of ${method.target}: expected ${fmt(p0)} ± ${tolerance}`;
    if (sprt.decision === "reject-h0")
      return fail(
        `${claim}, got ${fmt(sprt.hits / sprt.n)} (SPRT rejected at n=${sprt.n}, α=${alpha}); ${observed}`,
        evidence(),
        metrics,
      );
    if (sprt.decision === "inconclusive")
      return inconclusive(
        `${claim}: SPRT undecided at its cap of ${metrics.cap} samples; ${observed}`,
        evidence(),
        metrics,
      );
    return pass(evidence(), metrics);
  }

  // Fixed n: weight-0 targets exactly zero, then the G-test over the positive weights.
  const zeroTargets = Object.keys(plan.weights).filter((t) => plan.weights[t] === 0);
  const leaked = zeroTargets.filter((t) => (result.counts[t] ?? 0) > 0);
  if (leaked.length > 0) {
    const detail = leaked.map((t) => `${t}: ${result.counts[t]}`).join(", ");
    return fail(
      `requests to weight-0 targets: expected exactly 0, got ${detail} of ${n}`,
      evidence(),
      metrics,
    );
  }
  const positive = positiveWeights(plan.weights);
  const names = Object.keys(positive);
  const g = gTest(
    names.map((t) => result.counts[t] ?? 0),
    Object.values(positive),
  );
  metrics.statistic = `G ${fmt(g.g, 3)}, df ${g.df}, p ${g.pValue.toPrecision(3)}`;
  metrics.pValue = g.pValue;
  if (g.pValue < alpha)
    return fail(
      `split ${describeWeights(positive)}: G-test rejects at α=${alpha} (G=${fmt(g.g, 2)}, df ${g.df}, p=${g.pValue.toPrecision(3)}, n=${n}); ${observed}`,
      evidence(),
      metrics,
    );
  return pass(evidence(), metrics);
}
