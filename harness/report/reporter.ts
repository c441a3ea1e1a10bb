// Reporters are objects with optional hooks (as in Playwright): the runner calls them in order, and each
// form of output is one reporter. ReportWriter keeps every report file valid after every check, so an
// interrupted run still leaves a partial but readable report.
import { join } from "node:path";
import type { CheckResult, RunInfo, RunReport, SuiteName } from "../checks/types.ts";
import { ALLURE_DIR, writeAllureResult, writeAllureRunFiles } from "./allure.ts";
import { CERTIFICATION_FILE, writeCertification } from "./certification.ts";
import { JUNIT_FILE, writeJunit } from "./junit.ts";
import { SUMMARY_FILE, writeSummaryMarkdown } from "./summary-md.ts";

export { ProgressReporter } from "./progress-reporter.ts";

/** The check a runner is about to run (or running) in one cell. */
export interface CheckStart {
  id: string;
  suite: SuiteName;
  title: string;
  cp: string;
  dp: string;
  variant?: string;
}

export interface Reporter {
  onBegin?(info: RunInfo, total: number): void | Promise<void>;
  onCheckBegin?(check: CheckStart): void | Promise<void>;
  /** A named step inside a check, e.g. "starting envoy", "waiting for ACK of v2", "sampling 800/5000". */
  onCheckPhase?(check: CheckStart, phase: string): void | Promise<void>;
  onCheckEnd?(result: CheckResult): void | Promise<void>;
  onEnd?(report: RunReport): void | Promise<void>;
}

export type CombinedReporter = {
  [K in keyof Reporter]-?: (...args: Parameters<NonNullable<Reporter[K]>>) => Promise<void>;
};

/** Calls each reporter's hook in turn; one reporter failing does not stop the others from being told. */
export function combineReporters(...reporters: Reporter[]): CombinedReporter {
  const fanOut =
    <K extends keyof Reporter>(hook: K) =>
    async (...args: Parameters<NonNullable<Reporter[K]>>): Promise<void> => {
      const errors: unknown[] = [];
      for (const reporter of reporters) {
        try {
          await (reporter[hook] as ((...a: unknown[]) => unknown) | undefined)?.apply(reporter, args);
        } catch (err) {
          errors.push(err);
        }
      }
      if (errors.length === 1) throw errors[0];
      if (errors.length > 1)
        throw new AggregateError(errors, `reporters: ${errors.length} failed in ${hook}`);
    };
  return {
    onBegin: fanOut("onBegin"),
    onCheckBegin: fanOut("onCheckBegin"),
    onCheckPhase: fanOut("onCheckPhase"),
    onCheckEnd: fanOut("onCheckEnd"),
    onEnd: fanOut("onEnd"),
  };
}

/**
 * Writes certification.yaml, summary.md, junit.xml and allure-results/ into a run directory after every
 * result. Until onEnd the files say `interrupted: true`: a run killed without warning reads as partial.
 */
export class ReportWriter implements Reporter {
  private info: RunInfo | undefined;
  private results: CheckResult[] = [];
  // Hooks may be called without awaiting; writes of the same files must not interleave.
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly runDir: string) {}

  get paths(): { certification: string; summary: string; junit: string; allure: string } {
    return {
      certification: join(this.runDir, CERTIFICATION_FILE),
      summary: join(this.runDir, SUMMARY_FILE),
      junit: join(this.runDir, JUNIT_FILE),
      allure: join(this.runDir, ALLURE_DIR),
    };
  }

  onBegin(info: RunInfo, _total: number): Promise<void> {
    this.info = info;
    this.results = [];
    return this.enqueue(async () => {
      await writeAllureRunFiles(this.runDir, info);
      await this.writeDocuments({ info: { ...info, interrupted: true }, results: [] });
    });
  }

  onCheckEnd(result: CheckResult): Promise<void> {
    const info = this.info;
    if (!info)
      return Promise.reject(
        new Error(`ReportWriter: expected onBegin before onCheckEnd, got result ${result.id} first`),
      );
    this.results.push(result);
    const report = { info: { ...info, interrupted: true }, results: [...this.results] };
    return this.enqueue(async () => {
      await writeAllureResult(this.runDir, info.runId, result);
      await this.writeDocuments(report);
    });
  }

  /** The final report is authoritative: its results and its `interrupted` flag replace the partial ones. */
  onEnd(report: RunReport): Promise<void> {
    const final = {
      info: { ...report.info, interrupted: report.info.interrupted ?? false },
      results: report.results,
    };
    this.info = final.info;
    this.results = [...report.results];
    return this.enqueue(async () => {
      await writeAllureRunFiles(this.runDir, final.info);
      for (const r of final.results) await writeAllureResult(this.runDir, final.info.runId, r);
      await this.writeDocuments(final);
    });
  }

  /** Resolves when every write queued so far has finished. */
  flush(): Promise<void> {
    return this.queue;
  }

  private async writeDocuments(report: RunReport): Promise<void> {
    await writeCertification(this.runDir, report);
    await writeSummaryMarkdown(this.runDir, report);
    await writeJunit(this.runDir, report);
  }

  private enqueue(job: () => Promise<void>): Promise<void> {
    const run = this.queue.then(job);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
