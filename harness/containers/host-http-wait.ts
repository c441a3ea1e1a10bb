import type { WaitStrategy } from "testcontainers";

/** The part of dockerode's Container this wait needs (typed here so we do not import a transitive package). */
interface InspectableContainer {
  inspect(): Promise<{ State: { Running: boolean; Status: string; ExitCode: number } }>;
}

const POLL_INTERVAL_MS = 100;

/**
 * Waits until `http://127.0.0.1:<port><path>` answers 200. testcontainers' `Wait.forHttp` resolves the port
 * through a published-port binding, which host-network containers do not have. Fails early, with the log
 * tail, when the container exits instead of becoming ready.
 */
export class HostHttpWaitStrategy implements WaitStrategy {
  private startupTimeoutMs = 30_000;
  private startupTimeoutSet = false;

  constructor(
    private readonly port: number,
    private readonly path: string,
    private readonly logTail: () => string = () => "no logs collected",
  ) {}

  async waitUntilReady(container: InspectableContainer): Promise<void> {
    const url = `http://127.0.0.1:${this.port}${this.path}`;
    const deadline = Date.now() + this.startupTimeoutMs;
    let lastSeen = "no attempt yet";
    for (;;) {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
        const body = await response.text();
        if (response.status === 200) return;
        lastSeen = `HTTP ${response.status} ${JSON.stringify(body.slice(0, 80))}`;
      } catch (error) {
        lastSeen = describeFetchError(error);
      }
      const { State: state } = await container.inspect();
      if (!state.Running) {
        throw new Error(
          `${url}: expected 200, got the container ${state.Status} with exit code ${state.ExitCode} (last seen: ${lastSeen}; logs end: ${this.logTail()})`,
        );
      }
      if (Date.now() >= deadline) {
        throw new Error(
          `${url}: expected 200 within ${this.startupTimeoutMs}ms, got ${lastSeen} (logs end: ${this.logTail()})`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
  }

  withStartupTimeout(startupTimeoutMs: number): this {
    this.startupTimeoutMs = startupTimeoutMs;
    this.startupTimeoutSet = true;
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return this.startupTimeoutSet;
  }

  getStartupTimeout(): number {
    return this.startupTimeoutMs;
  }
}

function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: { code?: string } }).cause;
  return cause?.code ?? error.message;
}
