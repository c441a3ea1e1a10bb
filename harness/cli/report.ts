// `xdsc report [RUN_DIR] [--open]`: renders a run's Allure results to HTML (allure-commandline, Java).
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { execa } from "execa";
import { renderAllure, ALLURE_BIN } from "../report/render-allure.ts";
import { projectPath } from "../util/paths.ts";
import { UsageError } from "./errors.ts";

export async function report(runDir: string | undefined, open: boolean): Promise<number> {
  const dir = resolve(runDir ?? projectPath("reports", "latest"));
  const results = join(dir, "allure-results");
  if (!existsSync(results))
    throw new UsageError(`${dir}: no allure-results/ here (run xdsc certify first, or name a run directory)`);
  const out = join(dir, "allure-report");
  const index = await renderAllure(results, out);
  process.stdout.write(`allure report: ${index}\n`);
  if (open) await execa(ALLURE_BIN, ["open", "-h", "127.0.0.1", out], { stdio: "inherit" });
  return 0;
}
