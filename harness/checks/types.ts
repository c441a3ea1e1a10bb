// The vocabulary of DESIGN.md §1 as types: a check is a record with an id, a spec reference, the features
// it needs, its known-bad twins, and a run function returning a verdict with evidence.

export type Role = "control-plane" | "data-plane" | "both";
export type SuiteName = "smoke" | "ordering" | "make-before-break" | "traffic-split" | "protocol" | "parity";
export type VerdictKind = "pass" | "fail" | "inconclusive" | "skipped";

/** Something a verdict rests on, written next to the report and hashed into certification.yaml. */
export interface Evidence {
  /** Short label shown in reports, e.g. "transcript", "traffic records", "config dump". */
  label: string;
  /** File name inside the check's evidence folder, e.g. "transcript.jsonl". */
  file: string;
  /** File content; objects are written as JSON, arrays of objects as JSONL. */
  content: string | object;
  /** An excerpt to print inline in summaries and failure messages (a few lines). */
  excerpt?: string;
}

export interface Verdict {
  verdict: VerdictKind;
  /** Why: for fail/inconclusive the observed-vs-expected sentence, for skipped the reason. */
  reason?: string;
  evidence: Evidence[];
  /** Measured figures (counts, rates, statistics) shown in reports. */
  metrics?: Record<string, number | string>;
}

/** One executed check in one matrix cell. */
export interface CheckResult {
  id: string;
  suite: SuiteName;
  title: string;
  spec: string;
  role: Role;
  cp: string;
  dp: string;
  /** Transport variant of the cell, e.g. "sotw-ads", "delta-per-type". */
  variant?: string;
  verdict: VerdictKind;
  reason?: string;
  durationMs: number;
  startedAt: string;
  metrics?: Record<string, number | string>;
  /** Evidence files as written: path relative to the run directory, and sha256 of the content. */
  evidence: { label: string; path: string; sha256: string; excerpt?: string }[];
}

export interface Implementation {
  name: string;
  version: string;
}

export interface RunInfo {
  runId: string;
  toolVersion: string;
  startedAt: string;
  finishedAt?: string;
  /** True when the run was interrupted (SIGINT) and the report is partial. */
  interrupted?: boolean;
  cells: { cp: Implementation; dp: Implementation; variant?: string }[];
  /** Cells of the requested matrix left out because an implementation does not speak their variant. */
  notApplicable?: { cp: string; dp: string; variant: string; reason: string }[];
  /** Checks of the requested suites a cell's kind does not offer the features for (e.g. Envoy-only ones on gRPC clients). */
  checksNotApplicable?: { cp: string; dp: string; variant: string; check: string; reason: string }[];
  environment: Record<string, string>;
}

export interface RunReport {
  info: RunInfo;
  results: CheckResult[];
}
