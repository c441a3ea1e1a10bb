// Progress for long runs (DESIGN.md §9): on a TTY one line rewritten in place, `[n/m] <cell> <check> <phase>`,
// with failures kept on screen; elsewhere (CI logs) plain lines, one per event.
import type { CheckResult, RunInfo, RunReport } from "../checks/types.ts";
import { VERDICT_ICON, cellLabel, countVerdicts } from "./cells.ts";
import type { CheckStart, Reporter } from "./reporter.ts";

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export class ProgressReporter implements Reporter {
  private readonly stream: ProgressStream;
  private readonly tty: boolean;
  private total = 0;
  private done = 0;
  private lineShown = false;

  constructor(options: { stream?: ProgressStream; tty?: boolean } = {}) {
    this.stream = options.stream ?? process.stderr;
    this.tty = options.tty ?? this.stream.isTTY === true;
  }

  onBegin(info: RunInfo, total: number): void {
    this.total = total;
    this.done = 0;
    this.print(`xdsc run ${info.runId}: ${total} checks in ${info.cells.length} cells`);
  }

  onCheckBegin(check: CheckStart): void {
    this.progress(check, "running");
  }

  onCheckPhase(check: CheckStart, phase: string): void {
    this.progress(check, phase);
  }

  onCheckEnd(result: CheckResult): void {
    this.done++;
    const line =
      `${VERDICT_ICON[result.verdict]} [${this.done}/${this.total}] ${cellLabel(result)} ${result.id} ${result.verdict}` +
      ` (${(result.durationMs / 1000).toFixed(1)} s)${result.reason ? `: ${result.reason}` : ""}`;
    // On a TTY passes only advance the live line; anything else stays on screen.
    if (!this.tty || result.verdict !== "pass") this.print(line);
  }

  onEnd(report: RunReport): void {
    const n = countVerdicts(report.results);
    this.print(
      `xdsc run ${report.info.runId}: ${n.pass} pass, ${n.fail} fail, ${n.inconclusive} inconclusive, ${n.skipped} skipped` +
        (report.info.interrupted ? " (interrupted: partial report)" : ""),
    );
  }

  private progress(check: CheckStart, phase: string): void {
    const line = `[${Math.min(this.done + 1, this.total)}/${this.total}] ${cellLabel(check)} ${check.id} ${phase}`;
    if (!this.tty) {
      this.stream.write(line + "\n");
      return;
    }
    const width = Math.max(20, (this.stream.columns ?? 80) - 1);
    const fitted = [...line].length > width ? [...line].slice(0, width - 1).join("") + "…" : line;
    this.stream.write(`\r\x1b[2K${fitted}`);
    this.lineShown = true;
  }

  private print(line: string): void {
    if (this.lineShown) {
      this.stream.write("\r\x1b[2K");
      this.lineShown = false;
    }
    this.stream.write(line + "\n");
  }
}
