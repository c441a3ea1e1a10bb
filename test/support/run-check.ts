// The generic tests' way to run one check alone in one cell, in the detected environment (so a missing
// prerequisite is reported, not assumed), on the correct setup or on one of its known-bad twins.
import type { Cell } from "../../harness/checks/context.ts";
import type { CheckDefinition, Twin } from "../../harness/checks/define.ts";
import type { Environment } from "../../harness/checks/environment.ts";
import { runOne } from "../../harness/checks/runner.ts";
import type { CheckResult } from "../../harness/checks/types.ts";

export function runCheckAlone(
  check: CheckDefinition,
  cell: Cell,
  env: Environment,
  runDir: string,
  twin?: Twin,
): Promise<CheckResult> {
  return runOne(check, cell, {
    checks: [check],
    cells: [],
    runDir,
    environment: env.features,
    absent: env.absent,
    ...(twin ? { twinOf: () => twin } : {}),
  });
}
