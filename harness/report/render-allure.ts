// Renders allure-results/ into an HTML report with the allure-commandline npm package, which is a Java
// program: find Java first so that a missing JRE is a setup message, not a shell script's exit code.
import { access, constants } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { execa } from "execa";
import { projectPath } from "../util/paths.ts";

export const ALLURE_BIN = projectPath("node_modules", "allure-commandline", "dist", "bin", "allure");
const JAVA_HINT = "allure needs Java: apt-get install default-jre-headless";

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** The java binary allure's start script will use: $JAVA_HOME/bin/java, else the first on PATH. */
export async function findJava(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (env.JAVA_HOME) {
    const java = join(env.JAVA_HOME, "bin", "java");
    return (await executable(java)) ? java : undefined;
  }
  for (const dir of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    if (await executable(join(dir, "java"))) return join(dir, "java");
  }
  return undefined;
}

export interface RenderOptions {
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** `allure generate <resultsDir> -o <outDir> --clean`; returns the path of the report's index.html. */
export async function renderAllure(
  resultsDir: string,
  outDir: string,
  options: RenderOptions = {},
): Promise<string> {
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const java = await findJava(env);
  if (!java) {
    const where = env.JAVA_HOME ? `JAVA_HOME=${env.JAVA_HOME} has no bin/java` : "no java on PATH";
    throw new Error(`${JAVA_HINT} (${where})`);
  }
  if (!(await executable(ALLURE_BIN))) {
    throw new Error(`allure-commandline not found at ${ALLURE_BIN}: run npm install`);
  }
  const run = await execa(ALLURE_BIN, ["generate", resultsDir, "-o", outDir, "--clean"], {
    env,
    extendEnv: false,
    reject: false,
    timeout: timeoutMs,
    all: true,
  });
  if (run.timedOut) {
    throw new Error(
      `allure generate: expected to finish within ${timeoutMs}ms, got no exit (last output: ${lastLines(run.all)})`,
    );
  }
  if (run.exitCode !== 0) {
    throw new Error(
      `allure generate: expected exit code 0, got ${run.exitCode ?? run.signal} (${lastLines(run.all)})`,
    );
  }
  return join(outDir, "index.html");
}

function lastLines(output: string | undefined): string {
  const lines = (output ?? "").trim().split("\n").slice(-5);
  return lines.join(" | ") || "no output";
}
