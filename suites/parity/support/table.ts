// The behaviour × path table of one parity check, as markdown (an evidence file and the verdict's excerpt):
// a row per step and traffic batch, a column per path, each cell the observed outcome counts with ✓ when
// the path behaved as EXPECTATIONS.md documents and ✗ with the reason when not.
import { summary } from "./observe.ts";
import type { ParitySpec, PathName } from "./run-parity.ts";
import type { Observation } from "./observe.ts";

interface TableOutcome {
  path: PathName;
  skipped?: string;
  steps: { step: string; observations: Observation[]; problem?: string }[];
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function parityTable(spec: ParitySpec, outcomes: TableOutcome[]): string {
  const paths = outcomes.map((o) => o.path);
  const lines = [
    `### ${spec.behaviour} — \`${spec.tag}\``,
    "",
    `| step | traffic | expected | ${paths.join(" | ")} |`,
    `| --- | --- | --- | ${paths.map(() => "---").join(" | ")} |`,
  ];
  for (const step of spec.steps) {
    const expected = `kube-proxy: ${step.expected.kubeProxy}; sidecar: ${step.expected.sidecar}`;
    step.traffic.forEach((traffic, i) => {
      const cells = outcomes.map((o) => {
        if (o.skipped) return o.skipped;
        const s = o.steps.find((x) => x.step === step.name);
        const obs = s?.observations[i];
        if (!s || !obs) return "not run";
        const mark = s.problem ? `✗ ${s.problem}` : "✓";
        return i === 0 || !s.problem ? `${summary(obs)} ${i === 0 ? mark : ""}`.trim() : summary(obs);
      });
      lines.push(
        `| ${cell(i === 0 ? step.name : "")} | ${cell(traffic.label)} | ${cell(i === 0 ? expected : "")} | ${cells.map(cell).join(" | ")} |`,
      );
    });
  }
  return lines.join("\n") + "\n";
}
