// Attempts for the generic tests of a statistical check. A check with a declared false-fail rate α fails
// a correct setup with probability α on every run, and a twin exactly at its tolerance escapes with
// probability 1 − power: run once, dozens of such tests make a test run red every few runs although
// every check does what it declares. So a statistical check gets as many independent attempts as make
// the *test* wrong with probability below RUN_ERROR_BUDGET, and only outcomes that statistics explain are
// retried (a verdict, never a check that errored). A check that is really broken fails every attempt; a
// check that can never fail its twin is still caught. Each attempt's verdict is kept as evidence.

/** The probability that one generic test of a statistical check is wrong although the check is right. */
export const RUN_ERROR_BUDGET = 1e-6;

/** Independent attempts needed so that `errorRate` per attempt leaves at most RUN_ERROR_BUDGET. */
export function attemptsFor(errorRate: number): number {
  if (!(errorRate > 0)) return 1;
  if (errorRate >= 1) throw new Error(`attemptsFor: expected an error rate below 1, got ${errorRate}`);
  return Math.max(1, Math.ceil(Math.log(RUN_ERROR_BUDGET) / Math.log(errorRate) - 1e-9));
}

export interface Attempt {
  verdict: string;
  reason?: string;
}

/**
 * Runs `attempt` until it gives `wanted` or the attempts run out; an outcome `retryable` rejects (e.g. a
 * check that errored) ends the loop at once. Returns every outcome, the last one deciding.
 */
export async function withAttempts<T extends Attempt>(
  attempts: number,
  wanted: string,
  attempt: () => Promise<T>,
  retryable: (r: T) => boolean = (r) => !/^check errored/.test(r.reason ?? ""),
): Promise<T[]> {
  const outcomes: T[] = [];
  for (let i = 0; i < attempts; i++) {
    const r = await attempt();
    outcomes.push(r);
    if (r.verdict === wanted || !retryable(r)) break;
  }
  return outcomes;
}
