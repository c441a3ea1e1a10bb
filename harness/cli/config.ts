// xdsc.config.ts (or .yaml/.json): the certification matrix and defaults, validated with zod so a typo
// is an exit-2 error naming the file and the field, never a stack trace. Flags override it.
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parse } from "yaml";
import { z } from "zod";
import { CONTROL_PLANE_NAMES, DATA_PLANE_NAMES, SUITE_NAMES, VARIANT_NAMES } from "./names.ts";
import { UsageError } from "./errors.ts";
import { projectPath } from "../util/paths.ts";

export const ConfigSchema = z.strictObject({
  controlPlanes: z.array(z.enum(CONTROL_PLANE_NAMES)).min(1).default(["reference"]),
  dataPlanes: z.array(z.enum(DATA_PLANE_NAMES)).min(1).default(["envoy"]),
  variants: z
    .array(z.enum(VARIANT_NAMES as [string, ...string[]]))
    .min(1)
    .default(["sotw-ads", "delta-ads", "sotw-per-type", "delta-per-type"]),
  suites: z
    .array(z.enum(SUITE_NAMES as [string, ...string[]]))
    .min(1)
    .default([...SUITE_NAMES]),
  outputDir: z.string().default("reports"),
  /** Skipped checks fail the run (default: on when CI=true). */
  strict: z.boolean().optional(),
  statistics: z
    .strictObject({
      alpha: z.number().gt(0).lt(1).default(0.001),
      power: z.number().gt(0).lt(1).default(0.99),
    })
    .default({ alpha: 0.001, power: 0.99 }),
  clusterProvider: z.enum(["local", "kind", "existing"]).default("local"),
});

export type XdscConfig = z.infer<typeof ConfigSchema>;

export function defineConfig(c: z.input<typeof ConfigSchema>): z.input<typeof ConfigSchema> {
  return c;
}

export const DEFAULT_CONFIG_FILES = ["xdsc.config.ts", "xdsc.config.yaml", "xdsc.config.json"];

/** Loads the named config file, or the first default one present, or the defaults. */
export async function loadConfig(file?: string): Promise<{ config: XdscConfig; file?: string }> {
  const path = file
    ? isAbsolute(file)
      ? file
      : resolve(process.cwd(), file)
    : DEFAULT_CONFIG_FILES.map((f) => projectPath(f)).find((f) => existsSync(f));
  if (file && !existsSync(path!)) throw new UsageError(`--config: file not found: ${file}`);
  if (!path) return { config: ConfigSchema.parse({}) };
  let raw: unknown;
  try {
    raw = path.endsWith(".ts")
      ? (await import(pathToFileURL(path).href)).default
      : parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new UsageError(`${path}: cannot be read: ${(e as Error).message.split("\n")[0]}`);
  }
  const parsed = ConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${path}: ${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new UsageError(issues.join("\n"));
  }
  return { config: parsed.data, file: path };
}
