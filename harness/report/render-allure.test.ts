import { expect } from "chai";
import { access, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ALLURE_DIR, writeAllureResults } from "./allure.ts";
import { findJava, renderAllure } from "./render-allure.ts";
import { syntheticReport } from "./synthetic-report.ts";

describe("report/render-allure", () => {
  let runDir: string;
  before(async () => {
    runDir = await mkdtemp(join(tmpdir(), "xdsc-render-"));
    await writeAllureResults(runDir, await syntheticReport(runDir));
  });
  after(async () => {
    await rm(runDir, { recursive: true, force: true });
  });

  it("renders the results into an HTML report whose widgets carry the counts", async function () {
    if (!(await findJava())) this.skip();
    const out = join(runDir, "allure-report");
    const index = await renderAllure(join(runDir, ALLURE_DIR), out);
    await access(index);
    const summary = JSON.parse(await readFile(join(out, "widgets", "summary.json"), "utf8"));
    expect(summary.statistic).to.include({ passed: 5, failed: 2, broken: 1, skipped: 2, total: 10 });
    const suites = JSON.parse(await readFile(join(out, "data", "suites.json"), "utf8"));
    expect(suites.children.map((c: { name: string }) => c.name).sort()).to.deep.equal([
      "go-control-plane × envoy (delta-ads)",
      "reference × envoy (sotw-ads)",
    ]);
  });

  it("says how to install Java when there is none", async () => {
    const err = await renderAllure(join(runDir, ALLURE_DIR), join(runDir, "none"), {
      env: { PATH: "/nonexistent" },
    }).catch((e: Error) => e);
    expect(String(err)).to.contain(
      "allure needs Java: apt-get install default-jre-headless (no java on PATH)",
    );
  });
});
