// `xdsc`: the command line. Exit codes: 0 all pass, 1 failures (or a reproducing repro), 2 usage or
// input errors (one line each, no stack trace), 130 interrupted.
import { readFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { FixtureError } from "../fixtures/errors.ts";
import { POLICY_NAMES, type PolicyName } from "../xds/ordering.ts";
import { FAULTS } from "../xds/faults.ts";
import { ALL_CHECKS, SUITES } from "../../suites/index.ts";
import { projectPath } from "../util/paths.ts";
import { loadConfig } from "./config.ts";
import { EXIT, UsageError } from "./errors.ts";
import { CONTROL_PLANE_NAMES, DATA_PLANE_NAMES, SUITE_NAMES, parseNames, parseVariants } from "./names.ts";

const VERSION = (JSON.parse(readFileSync(projectPath("package.json"), "utf8")) as { version: string })
  .version;

function regex(flag: string, v: string | undefined): RegExp | undefined {
  if (v === undefined) return undefined;
  try {
    return new RegExp(v);
  } catch (e) {
    throw new UsageError(`${flag}: invalid regular expression: ${(e as Error).message}`);
  }
}

function hostPort(flag: string, v: string): string {
  if (!/^(\[[0-9a-fA-F:.]+\]|[^:\s]+):\d{1,5}$/.test(v) || Number(v.split(":").pop()) > 65535)
    throw new UsageError(`${flag}: expected HOST:PORT, got "${v}"`);
  return v;
}

/** The `external` control plane's addresses: both flags or neither. */
function externalAddresses(xds: string | undefined, adapter: string | undefined) {
  if (xds === undefined && adapter === undefined) return undefined;
  if (xds === undefined || adapter === undefined)
    throw new UsageError(
      `${xds === undefined ? "--external-xds" : "--external-adapter"}: expected HOST:PORT with ${xds === undefined ? "--external-adapter" : "--external-xds"}, got none`,
    );
  return {
    xdsAddress: hostPort("--external-xds", xds),
    adapterAddress: hostPort("--external-adapter", adapter),
  };
}

function program(setExit: (code: number) => void): Command {
  const p = new Command("xdsc")
    .description("xDS conformance harness: reference control plane, recording tap, real data planes, suites")
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showSuggestionAfterError(true);

  p.command("certify")
    .description(
      "run the certification matrix (control planes × data planes × variants × suites) and write the report",
    )
    .option("--config <file>", "matrix and defaults (default: xdsc.config.ts)")
    .option("--cp <names>", `control planes, comma-separated (${CONTROL_PLANE_NAMES.join(", ")})`)
    .option("--dp <names>", `data planes, comma-separated (${DATA_PLANE_NAMES.join(", ")})`)
    .option("--suite <names>", `suites, comma-separated (${SUITE_NAMES.join(", ")})`)
    .option("--variant <names>", "transport variants, e.g. sotw-ads,delta-per-type,rest,file")
    .option("--grep <regex>", "only checks whose id or title matches")
    .option("--out <dir>", "write this run's report directly into DIR (must be empty)")
    .option("--keep", "keep artifacts of passing checks too (evidence is always kept for failures)")
    .option("--external-xds <host:port>", "xDS address of the control plane `--cp external` (adapter API)")
    .option("--external-adapter <host:port>", "adapter API address of the control plane `--cp external`")
    .addOption(new Option("--strict", "skipped checks fail the run (default: on when CI=true)"))
    .addOption(new Option("--no-strict", "skipped checks do not fail the run"))
    .action(async (o) => {
      const { config } = await loadConfig(o.config);
      const { certify } = await import("./certify.ts");
      setExit(
        await certify({
          suites: SUITES,
          suiteNames: parseNames("--suite", o.suite, SUITE_NAMES) ?? (config.suites as typeof SUITE_NAMES),
          controlPlanes: parseNames("--cp", o.cp, CONTROL_PLANE_NAMES) ?? config.controlPlanes,
          dataPlanes: parseNames("--dp", o.dp, DATA_PLANE_NAMES) ?? config.dataPlanes,
          variants: parseVariants(o.variant) ?? parseVariants(config.variants)!,
          grep: regex("--grep", o.grep),
          out: o.out,
          outputDir: config.outputDir,
          strict: o.strict ?? config.strict ?? process.env.CI === "true",
          toolVersion: VERSION,
          external: externalAddresses(o.externalXds, o.externalAdapter),
        }),
      );
    });

  p.command("list")
    .description("list every check: id, role, requirements, spec, twins")
    .option("--suite <names>", "only these suites")
    .option("--json", "machine-readable output")
    .action(async (o) => {
      const suites = parseNames("--suite", o.suite, SUITE_NAMES);
      const { list } = await import("./list.ts");
      list(suites ? suites.flatMap((s) => SUITES[s]) : ALL_CHECKS, !!o.json);
    });

  p.command("serve")
    .description("serve a fixture's initial state from the reference xDS server until Ctrl-C")
    .requiredOption("--fixture <file>", "fixture YAML")
    .option("--port <port>", "gRPC port on 127.0.0.1 (default: any free port)", "0")
    .option("--policy <name>", `ordering policy (${POLICY_NAMES.join(", ")})`)
    .option("--fault <name...>", `fault modes (${Object.keys(FAULTS).join(", ")})`)
    .action(async (o) => {
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--port: expected 0-65535, got "${o.port}"`);
      const policy = parseNames("--policy", o.policy, POLICY_NAMES)?.[0] as PolicyName | undefined;
      const faults = parseNames("--fault", o.fault, Object.keys(FAULTS)) ?? [];
      const { serve } = await import("./serve.ts");
      await serve({ fixture: o.fixture, port, policy, faults });
    });

  p.command("doctor")
    .description(
      "check every prerequisite (Envoy, Python, Go, Docker, kind, kubectl, iptables/nft, netns, Java)",
    )
    .action(async () => {
      const { doctor } = await import("./doctor.ts");
      setExit(await doctor());
    });

  p.command("repro")
    .description("replay a repro fixture; exit 1 when the bug reproduces, 0 when it does not")
    .argument("<fixture>", "repro fixture YAML (fixtures/repros/...)")
    .option("--variant <name>", "transport variant", "sotw-ads")
    .option("--out <dir>", "artifact directory (default: reports/repros/<name>-<run id>)")
    .option("--dp <name>", `data plane (${DATA_PLANE_NAMES.join(", ")}) (default: envoy)`)
    .action(async (fixture: string, o) => {
      const { repro } = await import("./repro.ts");
      const dataPlane = parseNames("--dp", o.dp, DATA_PLANE_NAMES)?.[0];
      setExit(await repro({ fixture, variant: parseVariants(o.variant)![0]!, out: o.out, dataPlane }));
    });

  p.command("record")
    .description("tap a live control plane ⇄ data plane and write the session as a repro fixture")
    .requiredOption("--upstream <host:port>", "the control plane's xDS address")
    .option("--port <port>", "the tap's port on 127.0.0.1 (default: any free port)", "0")
    .option("--out <file>", "fixture to write", "fixtures/repros/recorded.yaml")
    .option("--name <name>", "fixture name", "recorded")
    .option("--duration-ms <ms>", "stop after this long (default: at Ctrl-C)")
    .action(async (o) => {
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--port: expected 0-65535, got "${o.port}"`);
      const durationMs = o.durationMs === undefined ? undefined : Number(o.durationMs);
      if (durationMs !== undefined && !(durationMs > 0))
        throw new UsageError(`--duration-ms: expected a positive number, got "${o.durationMs}"`);
      const { record } = await import("./record.ts");
      setExit(await record({ upstream: o.upstream, port, out: o.out, name: o.name, durationMs }));
    });

  const cluster = p
    .command("cluster")
    .description("a local (or kind) Kubernetes cluster for humans: up, status, down");
  const stateFile = () =>
    new Option(
      "--state-file <file>",
      "where `up` records the running cluster (default: .cache/cluster/state.json)",
    );
  const one = <T extends string>(flag: string, value: string, known: readonly T[]): T => {
    const names = parseNames(flag, value, known)!;
    if (names.length !== 1)
      throw new UsageError(`${flag}: expected one of ${known.join(", ")}, got "${value}"`);
    return names[0]!;
  };
  cluster
    .command("up")
    .description("start a cluster and hold it until Ctrl-C (or, with --detach, until `xdsc cluster down`)")
    .option("--provider <name>", "local (real kube-apiserver, etcd, kube-proxy; root) or kind", "local")
    .option("--proxy-mode <mode>", "kube-proxy mode: iptables, nftables or ipvs", "iptables")
    .option("--keep-state-dir <dir>", "local: keep state, PKI, kubeconfig and logs in DIR (empty or new)")
    .option("--detach", "run in the background; stop with `xdsc cluster down`")
    .addOption(stateFile())
    .addOption(new Option("--detached-child").hideHelp())
    .action(async (o) => {
      const { clusterUp, stateFilePath, CLUSTER_PROVIDERS, CLUSTER_PROXY_MODES } =
        await import("./cluster.ts");
      setExit(
        await clusterUp({
          provider: one("--provider", o.provider, CLUSTER_PROVIDERS),
          proxyMode: one("--proxy-mode", o.proxyMode, CLUSTER_PROXY_MODES),
          keepStateDir: o.keepStateDir,
          stateFile: stateFilePath(o.stateFile),
          detach: !!o.detach,
          detachedChild: !!o.detachedChild,
        }),
      );
    });
  cluster
    .command("status")
    .description(
      "report the cluster `up` started: API server readiness, processes, namespaces (exit 1: none)",
    )
    .addOption(stateFile())
    .action(async (o) => {
      const { clusterStatus, stateFilePath } = await import("./cluster.ts");
      setExit(await clusterStatus(stateFilePath(o.stateFile)));
    });
  cluster
    .command("down")
    .description("stop the cluster `up` started and remove anything it left (processes, netns, temp dir)")
    .addOption(stateFile())
    .action(async (o) => {
      const { clusterDown, stateFilePath } = await import("./cluster.ts");
      setExit(await clusterDown(stateFilePath(o.stateFile)));
    });

  p.command("report")
    .description("render a run's Allure results as HTML (needs Java)")
    .argument("[run-dir]", "run directory (default: reports/latest)")
    .option("--open", "serve the HTML report on 127.0.0.1 and open it")
    .action(async (runDir: string | undefined, o) => {
      const { report } = await import("./report.ts");
      setExit(await report(runDir, !!o.open));
    });
  return p;
}

export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.pass;
  try {
    await program((c) => (code = c)).parseAsync(argv, { from: "user" });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === "commander.helpDisplayed" ||
        e.code === "commander.version" ||
        e.code === "commander.help"
      )
        return EXIT.pass;
      return EXIT.usage;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`xdsc: ${e.message}\n`);
      return EXIT.usage;
    }
    if (e instanceof FixtureError) {
      process.stderr.write(`${e.message}\n`);
      return EXIT.usage;
    }
    if ((e as NodeJS.ErrnoException).code === "ENOENT") {
      process.stderr.write(`xdsc: ${(e as Error).message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`xdsc: ${(e as Error).message}\n`);
    return EXIT.fail;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
