// What a running check gets: its cell, its twin (if the twin test runs it), fixtures, and scenarios
// started with the cell's control plane and data plane — all torn down by the runner afterwards, in
// reverse order, whatever the verdict.
import { existsSync } from "node:fs";
import { isAbsolute } from "node:path";
import { loadFixture } from "../fixtures/load.ts";
import type { Fixture } from "../fixtures/types.ts";
import { startScenario, type Scenario, type ScenarioOptions } from "../scenario/scenario.ts";
import type { Variant } from "../scenario/variant.ts";
import { projectPath } from "../util/paths.ts";
import type { CheckDefinition, Twin } from "./define.ts";
import type { Evidence } from "./types.ts";
import { formatEntry } from "../tap/transcript.ts";
import { isProxylessClient } from "../dataplanes/proxyless.ts";

export interface Cell {
  cp: string;
  dp: string;
  variant: Variant;
}

/**
 * A gRPC proxyless client cannot take a fixture written for Envoy (socket listeners; see
 * PROXYLESS_CONSTRAINTS): where `<name>-grpc.yaml` sits beside `<name>.yaml`, proxyless cells get it
 * instead — the same topology as an API listener, named weighted localities, IP endpoints. So a check
 * (e.g. every data-plane protocol check on `smoke.yaml`) covers gRPC clients without branching on the
 * data plane; one whose fixture has no such sibling runs its own fixture there.
 */
export function fixtureForDataPlane(path: string, dp: string): string {
  if (!isProxylessClient(dp) || !path.endsWith(".yaml") || path.endsWith("-grpc.yaml")) return path;
  const grpc = path.replace(/\.yaml$/, "-grpc.yaml");
  return existsSync(grpc) ? grpc : path;
}

export class CheckContext {
  private readonly cleanups: (() => Promise<unknown>)[] = [];
  private readonly scenarios: Scenario[] = [];
  readonly evidence: Evidence[] = [];

  constructor(
    readonly check: CheckDefinition,
    readonly cell: Cell,
    readonly twin: Twin | undefined,
    readonly signal: AbortSignal,
    private readonly onPhase: (phase: string) => void = () => undefined,
  ) {}

  /** Parameters of the twin being run, if any (e.g. a wrong expectation). */
  get params(): Record<string, unknown> {
    return this.twin?.params ?? {};
  }

  phase(name: string): void {
    this.onPhase(name);
  }

  fixturePath(
    name = this.twin?.fixture ??
      (typeof this.check.fixture === "function" ? this.check.fixture(this.cell) : this.check.fixture),
  ): string {
    if (!name) throw new Error(`check "${this.check.id}": no fixture declared`);
    return fixtureForDataPlane(
      isAbsolute(name) ? name : projectPath("fixtures", "scenarios", name),
      this.cell.dp,
    );
  }

  loadFixture(name?: string): Fixture {
    return loadFixture(this.fixturePath(name));
  }

  /**
   * Starts the check's fixture (or the twin's) on the cell: reference control plane with the twin's
   * policy and faults, the tap, the data plane; waits for the initial state unless told not to.
   */
  async startScenario(fixture?: Fixture | string, opts: Partial<ScenarioOptions> = {}): Promise<Scenario> {
    const f = typeof fixture === "object" ? fixture : this.loadFixture(fixture);
    this.phase(`starting ${f.name} (${this.cell.dp})`);
    const scenario = await startScenario(f, {
      variant: this.cell.variant,
      dataPlane: this.cell.dp,
      controlPlane: this.cell.cp,
      ...opts,
      server: { ...opts.server, ...this.twin?.server },
    });
    this.scenarios.push(scenario);
    this.cleanups.push(() => scenario.stack.stop());
    return scenario;
  }

  addEvidence(e: Evidence): void {
    this.evidence.push(e);
  }

  /** Evidence every check gets: each scenario's transcript, and the data plane's log tail. */
  collectStandardEvidence(failed: boolean): Evidence[] {
    const out: Evidence[] = [];
    this.scenarios.forEach((s, i) => {
      const suffix = this.scenarios.length > 1 ? `-${i + 1}` : "";
      const entries = [...s.stack.tap.entries()];
      const t0 = entries[0]?.at ?? 0;
      out.push({
        label: "transcript",
        file: `transcript${suffix}.jsonl`,
        content: entries,
        excerpt: entries
          .slice(-12)
          .map((e) => formatEntry(e, t0))
          .join("\n"),
      });
      if (failed && s.stack.dp)
        out.push({ label: "data plane log", file: `dataplane${suffix}.log`, content: s.stack.dp.logs() });
    });
    return out;
  }

  async cleanup(): Promise<void> {
    for (const c of this.cleanups.splice(0).reverse()) await c().catch(() => undefined);
  }
}
