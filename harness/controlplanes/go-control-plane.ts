// go-control-plane (github.com/envoyproxy/go-control-plane, pinned in adapters/go-control-plane/go.mod)
// as a control plane under test: built once per content into the build cache (~/.cache/xds-conformance/bin)
// by scripts/build-go.sh, spawned as an owned child (reaped if the harness dies), driven through the adapter API.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { projectPath } from "../util/paths.ts";
import { startAdapterProcess, type StartedAdapterProcess } from "./adapter-process.ts";
import type { ControlPlaneBuilder } from "./types.ts";

export type StartedGoControlPlane = StartedAdapterProcess;

/** Builds the adapter if its sources changed (minutes when cold) and returns the binary's path. */
export async function buildGoControlPlane(timeoutMs = 15 * 60_000): Promise<string> {
  const script = projectPath("scripts", "build-go.sh");
  try {
    const { stdout } = await promisify(execFile)(
      "bash",
      [script, projectPath("adapters", "go-control-plane")],
      {
        timeout: timeoutMs,
        maxBuffer: 1 << 20,
      },
    );
    return stdout.trim().split("\n").pop()!;
  } catch (e) {
    const err = e as Error & { stderr?: string };
    throw new Error(
      `go-control-plane: expected a binary from ${script}, got ${err.message.split("\n")[0]}; stderr:\n${err.stderr ?? ""}`,
    );
  }
}

export class GoControlPlane implements ControlPlaneBuilder {
  private adsOrdered = false;
  private adsCache = true;
  private verbose = false;
  private startTimeoutMs = 20_000;
  private binary?: string;

  /** go-control-plane's ordered ADS responses (sotw.WithOrderedADS). */
  withOrderedAds(on = true): this {
    this.adsOrdered = on;
    return this;
  }

  /**
   * The snapshot cache's ADS mode (default on). It is cache-wide, and in ADS mode a SotW request that
   * names a subset of a type's resources is never answered, on per-type streams too: a per-type fleet
   * runs go-control-plane without it (startControlPlane turns it off for the per-type variants).
   */
  withAdsCache(on: boolean): this {
    this.adsCache = on;
    return this;
  }

  withVerboseLogs(on = true): this {
    this.verbose = on;
    return this;
  }

  /** A prebuilt binary instead of building adapters/go-control-plane. */
  withBinary(path: string): this {
    this.binary = path;
    return this;
  }

  withStartTimeout(ms: number): this {
    this.startTimeoutMs = ms;
    return this;
  }

  async start(): Promise<StartedGoControlPlane> {
    const binary = this.binary ?? (await buildGoControlPlane());
    const args = ["--xds-port=0", "--adapter-port=0"];
    if (!this.adsCache) args.push("--ads-cache=false");
    if (this.adsOrdered) args.push("--ads-ordered");
    if (this.verbose) args.push("--verbose");
    return startAdapterProcess("go-control-plane", binary, args, { startTimeoutMs: this.startTimeoutMs });
  }
}
