// Runs every make-before-break check N times in a row on the correct setup (reference control plane,
// make-before-break policy × real Envoy) and prints the losses: the figure must be 0.
//   npx tsx bench/mbb-repeat.ts [--repeat 20] [--variant sotw-ads]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runOne } from "../harness/checks/runner.ts";
import { parseVariant } from "../harness/scenario/variant.ts";
import { MAKE_BEFORE_BREAK_CHECKS } from "../suites/make-before-break/index.ts";

const { values } = parseArgs({
  options: { repeat: { type: "string", default: "20" }, variant: { type: "string", default: "sotw-ads" } },
});
const repeat = Number(values.repeat);
const variant = parseVariant(values.variant!);
if (!variant) throw new Error(`--variant: expected a gRPC variant such as sotw-ads, got "${values.variant}"`);
const runDir = mkdtempSync(join(tmpdir(), "xdsc-mbb-repeat-"));
const totals = new Map<
  string,
  { runs: number; requests: number; losses: number; notPass: number; ms: number }
>();
try {
  for (let i = 1; i <= repeat; i++) {
    for (const check of MAKE_BEFORE_BREAK_CHECKS) {
      const r = await runOne(
        check,
        { cp: "reference", dp: "envoy", variant },
        { checks: [check], cells: [], runDir },
      );
      const t = totals.get(check.id) ?? { runs: 0, requests: 0, losses: 0, notPass: 0, ms: 0 };
      t.runs++;
      t.requests += Number(r.metrics?.requests ?? 0);
      t.losses += Number(r.metrics?.losses ?? 0);
      t.ms += r.durationMs;
      if (r.verdict !== "pass") t.notPass++;
      totals.set(check.id, t);
      console.log(
        `run ${i}/${repeat} ${check.id}: ${r.verdict} requests=${r.metrics?.requests} losses=${r.metrics?.losses} ${r.durationMs}ms${r.verdict === "pass" ? "" : ` (${r.reason})`}`,
      );
    }
  }
} finally {
  rmSync(runDir, { recursive: true, force: true });
}
console.log(
  `\nmake-before-break × ${repeat} on reference (make-before-break policy) × Envoy, ${values.variant}:`,
);
let losses = 0;
let requests = 0;
for (const [id, t] of totals) {
  losses += t.losses;
  requests += t.requests;
  console.log(
    `  ${id}: ${t.runs} runs, ${t.requests} requests, ${t.losses} lost, ${t.notPass} not passing, mean ${Math.round(t.ms / t.runs)}ms`,
  );
}
console.log(`losses: ${losses} of ${requests} requests`);
process.exitCode = losses === 0 ? 0 : 1;
