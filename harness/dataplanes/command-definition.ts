// The definition of a command data plane: how to run a vendor's proxy from a bootstrap template and a
// command line, and how to observe it (readiness, config dump, stats, listener addresses). A YAML file
// (fixtures/dataplanes/*.dataplane.yaml) or the same object in code. Documented in README.md,
// "Certify your proxy"; its placeholders are in command-template.ts.
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parse } from "yaml";
import { z } from "zod";

/** A hook that probes the proxy: an HTTP URL template, or a regular expression over its output lines. */
const Probe = z.union([
  z.strictObject({ http: z.string().min(1) }),
  z.strictObject({ log: z.string().min(1) }),
]);

export const CommandDefinitionSchema = z.strictObject({
  /** Implementation name for reports. */
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
  /** A fixed version string, or a command (template) whose output `pattern`'s first group is the version. */
  version: z.union([
    z.string().min(1),
    z.strictObject({ command: z.array(z.string()).min(1), pattern: z.string().min(1) }),
  ]),
  /** Bootstrap template path, relative to the definition file; rendered to ${bootstrap.path}. */
  bootstrap: z.string().min(1).optional(),
  /** The command line (templates): program, then arguments. Run in ${dir}. */
  command: z.array(z.string()).min(1),
  /** Supported variants ("sotw-ads", "delta-ads", "sotw-per-type", ...) with template vars for each. */
  variants: z.record(z.string(), z.record(z.string(), z.string())),
  /** Extra loopback ports to allocate, available as ${ports.NAME}. */
  ports: z.array(z.string().regex(/^[A-Za-z0-9_-]+$/)).default([]),
  /** start() resolves once this answers: http = any HTTP response, log = a matching line (default: spawned). */
  started: Probe.optional(),
  /** waitForReady() resolves once this holds: http = status 200, log = a matching line. */
  ready: Probe,
  admin: z
    .strictObject({
      /** URL template answering the configuration as JSON. */
      configDump: z.string().min(1),
      /** URL template answering stats; format "envoy-json" (Envoy's /stats?format=json) or "prometheus". */
      stats: z
        .strictObject({ url: z.string().min(1), format: z.enum(["envoy-json", "prometheus"]) })
        .optional(),
    })
    .optional(),
  /**
   * Where listeners accept traffic: `static` maps a listener name to a "host:port" template; `admin` is a URL
   * template answering Envoy's /listeners?format=json shape or a plain {"name": "host:port"} object.
   */
  listeners: z
    .union([
      z.strictObject({ static: z.record(z.string(), z.string()) }),
      z.strictObject({ admin: z.string().min(1) }),
    ])
    .optional(),
  /** Time from spawn to `started` (default 15000). */
  startTimeoutMs: z.number().int().positive().default(15_000),
  /** Time between SIGTERM and SIGKILL on stop (default 5000). */
  graceMs: z.number().int().nonnegative().default(5_000),
});

export type CommandDefinitionInput = z.input<typeof CommandDefinitionSchema>;
export type CommandDefinition = z.output<typeof CommandDefinitionSchema> & {
  /** Absolute path of the bootstrap template, resolved against the definition's directory. */
  bootstrapPath?: string;
  /** Where the definition came from, for error messages. */
  source: string;
};

/** Validates a definition; `baseDir` resolves a relative bootstrap path. Errors list every issue by path. */
export function parseCommandDefinition(input: unknown, source: string, baseDir: string): CommandDefinition {
  const parsed = CommandDefinitionSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((i) => `${source}: ${i.path.join(".") || "(top level)"}: ${i.message}`)
      .sort();
    throw new Error(issues.join("\n"));
  }
  const definition = parsed.data;
  for (const key of Object.keys(definition.variants)) {
    if (!VARIANT_NAMES.includes(key)) {
      throw new Error(
        `${source}: variants.${key}: expected one of ${VARIANT_NAMES.join(", ")}, got "${key}"`,
      );
    }
  }
  const bootstrapPath = definition.bootstrap ? resolve(baseDir, definition.bootstrap) : undefined;
  return { ...definition, bootstrapPath, source };
}

export async function loadCommandDefinition(path: string): Promise<CommandDefinition> {
  const text = await readFile(path, "utf8");
  return parseCommandDefinition(parse(text), path, dirname(path));
}

/** The variant names of scenario/variant.ts, spelled here since this folder must not import the scenario layer. */
export const VARIANT_NAMES = ["sotw-ads", "delta-ads", "sotw-per-type", "delta-per-type", "rest", "file"];

export function variantKey(xds: { transport: string; mode: string }): string {
  return xds.mode === "rest" || xds.mode === "file" ? xds.mode : `${xds.transport}-${xds.mode}`;
}
