// Test data for the report writers: 2 cells × 5 checks covering every verdict kind, every kind of evidence
// content (text, object → JSON, array → JSONL) and reasons with characters that break naive escaping.
import type {
  CheckResult,
  Evidence,
  RunInfo,
  RunReport,
  Role,
  SuiteName,
  VerdictKind,
} from "../checks/types.ts";
import { cellKey } from "./cells.ts";
import { writeEvidence } from "./run-dir.ts";

export const TRICKY_REASON = `expected CDS "backend" before EDS, got EDS <v2> & then CDS 'backend' — naïve ✓ 日本\u0007\u001b[0m end`;

interface Plan {
  id: string;
  suite: SuiteName;
  title: string;
  spec: string;
  role: Role;
  evidence: Evidence[];
  /** Verdict per cell, in cell order. */
  verdicts: [VerdictKind, VerdictKind];
  reasons?: [string | undefined, string | undefined];
  metrics?: Record<string, number | string>;
}

const transcript: Evidence = {
  label: "transcript",
  file: "transcript.jsonl",
  content: [
    {
      t: 0,
      dir: "response",
      typeUrl: "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment",
      version: "2",
    },
    { t: 3, dir: "response", typeUrl: "type.googleapis.com/envoy.config.cluster.v3.Cluster", version: "2" },
  ],
  excerpt: "#1 EDS v2 backend\n#2 CDS v2 backend   <- too late",
};
const configDump: Evidence = {
  label: "config dump",
  file: "config_dump.json",
  content: { configs: [{ "@type": "x", version_info: "2" }] },
};
const envoyLog: Evidence = {
  label: "envoy log",
  file: "envoy.log",
  content: "line 1\nline 2 | pipe\n```not a fence```\nline 4\n",
};

const PLANS: Plan[] = [
  {
    id: "ordering.cds-before-eds",
    suite: "ordering",
    title: "A cluster is sent before the endpoints that belong to it",
    spec: "xds_protocol#eventual-consistency-considerations",
    role: "control-plane",
    evidence: [transcript],
    verdicts: ["pass", "fail"],
    reasons: [undefined, TRICKY_REASON],
  },
  {
    id: "ordering.lds-before-rds",
    suite: "ordering",
    title: "A listener is sent before its route configuration",
    spec: "xds_protocol#eventual-consistency-considerations",
    role: "control-plane",
    evidence: [configDump],
    verdicts: ["pass", "pass"],
  },
  {
    id: "traffic-split.weighted-clusters",
    suite: "traffic-split",
    title: "Weighted clusters split traffic as configured",
    spec: "https://www.envoyproxy.io/docs/envoy/latest/api-v3/config/route/v3/route_components.proto",
    role: "data-plane",
    evidence: [envoyLog],
    verdicts: ["inconclusive", "pass"],
    reasons: ["SPRT reached the sample cap of 5000 without a decision", undefined],
    metrics: { samples: 5000, "share.v1": 0.52 },
  },
  {
    id: "parity.ipvs-distribution",
    suite: "parity",
    title: "Load distribution matches kube-proxy ipvs",
    spec: "kube-proxy#ipvs",
    role: "both",
    evidence: [],
    verdicts: ["skipped", "skipped"],
    reasons: ["kernel lacks IPVS", "kernel lacks IPVS"],
  },
  {
    id: "protocol.nack-keeps-version",
    suite: "protocol",
    title: "A NACK carries the previously accepted version",
    spec: "discovery.proto",
    role: "data-plane",
    evidence: [
      { label: "nack log", file: "nack.txt", content: "version_info: 1\nerror_detail: bad | thing ``` x\n" },
      configDump,
    ],
    verdicts: ["fail", "pass"],
    reasons: ['expected version_info "1", got "2" (NACK of v2)', undefined],
  },
];

export const SYNTHETIC_INFO: RunInfo = {
  runId: "20261125T110233Z-4f2a",
  toolVersion: "0.1.0",
  startedAt: "2026-11-25T11:02:33.000Z",
  finishedAt: "2026-11-25T11:09:12.000Z",
  cells: [
    {
      cp: { name: "reference", version: "0.1.0" },
      dp: { name: "envoy", version: "1.31.2" },
      variant: "sotw-ads",
    },
    {
      cp: { name: "go-control-plane", version: "v0.13.4" },
      dp: { name: "envoy", version: "1.31.2" },
      variant: "delta-ads",
    },
  ],
  environment: {
    node: "v20.19.0",
    envoy: "1.31.2",
    go: "go1.23.4",
    kernel: "6.1.0-28-amd64",
    kubeProxyMode: "nftables",
  },
};

/** Writes the evidence into runDir and returns the report that refers to it: 10 results in 2 cells. */
export async function syntheticReport(runDir: string, runId = SYNTHETIC_INFO.runId): Promise<RunReport> {
  const results: CheckResult[] = [];
  let t = Date.parse(SYNTHETIC_INFO.startedAt);
  for (const [c, cell] of SYNTHETIC_INFO.cells.entries()) {
    for (const plan of PLANS) {
      const names = { cp: cell.cp.name, dp: cell.dp.name, variant: cell.variant };
      const verdict = plan.verdicts[c]!;
      const evidence =
        verdict === "skipped" ? [] : await writeEvidence(runDir, cellKey(names), plan.id, plan.evidence);
      const reason = plan.reasons?.[c];
      results.push({
        id: plan.id,
        suite: plan.suite,
        title: plan.title,
        spec: plan.spec,
        role: plan.role,
        ...names,
        verdict,
        ...(reason ? { reason } : {}),
        durationMs: 1500,
        startedAt: new Date(t).toISOString(),
        ...(plan.metrics && verdict !== "skipped" ? { metrics: plan.metrics } : {}),
        evidence,
      });
      t += 2000;
    }
  }
  return { info: { ...SYNTHETIC_INFO, runId }, results };
}
