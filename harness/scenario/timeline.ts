// Runs a rendered fixture's timeline on a started stack: state changes through the control plane, waits
// on observable events (ACKs, admin state), load through the data plane, and expectations judged on the
// per-request records. Every expectation becomes a line of evidence; nothing is retried.
import type { ExpectStep, Fixture, Predicate, Step } from "../fixtures/types.ts";
import { runConstantRate, summarize, type TrafficRecord } from "../traffic/load-driver.ts";
import type { Stack } from "./stack.ts";
import type { TranscriptEntry } from "../tap/transcript.ts";
import type { JsonObject } from "../proto/codec.ts";
import { CLUSTER_TYPE_URL, ENDPOINT_TYPE_URL } from "../proto/type-urls.ts";

export interface ExpectationResult {
  line: number;
  path: string;
  ok: boolean;
  /** e.g. `backend "green": expected >0, got 0 of 600 requests` */
  message: string;
}

export interface TimelineResult {
  expectations: ExpectationResult[];
  records: TrafficRecord[];
  /** One line per step as it ran, with times relative to the start. */
  log: string[];
}

export async function runTimeline(
  stack: Stack,
  fixture: Fixture,
  opts: { signal?: AbortSignal } = {},
): Promise<TimelineResult> {
  const t0 = performance.now();
  const log: string[] = [];
  const note = (s: string) => log.push(`+${Math.round(performance.now() - t0)}ms ${s}`);
  const all: TrafficRecord[] = [];
  let window: Promise<TrafficRecord[]>[] = [];
  const expectations: ExpectationResult[] = [];
  let version = fixture.version;
  let state: readonly JsonObject[] = [];
  let transcriptFrom = 0;
  for (const step of fixture.timeline) {
    opts.signal?.throwIfAborted();
    note(`${step.path} ${describe(step)}`);
    switch (step.kind) {
      case "apply":
      case "remove":
        version = step.version;
        state = step.state.map((r) => r.json);
        await stack.apply(step.version, [...state]);
        break;
      case "wait":
        await runWait(stack, step.event, step.timeoutMs, version, state);
        break;
      case "traffic": {
        const run = runConstantRate({
          url: stack.url(step.listener, step.path),
          ratePerSec: step.ratePerSec,
          count: step.requests,
          timeoutMs: 5000,
          headers: step.headers,
          protocol: step.protocol === "http2" ? "h2c" : "http1",
          newConnectionPerRequest: step.connection === "per-request",
          signal: opts.signal,
        });
        window.push(run);
        if (!step.background) await run;
        break;
      }
      case "expect": {
        const records = (await Promise.all(window)).flat();
        window = [];
        all.push(...records);
        const entries = stack.tap.entries().slice(transcriptFrom);
        transcriptFrom += entries.length;
        expectations.push(...judge(step, records, entries));
        break;
      }
    }
  }
  all.push(...(await Promise.all(window)).flat());
  note("timeline done");
  return { expectations, records: all, log };
}

async function runWait(
  stack: Stack,
  event: Extract<Step, { kind: "wait" }>["event"],
  timeoutMs: number,
  current: string,
  state: readonly JsonObject[],
) {
  switch (event.event) {
    case "ack":
      await stack.waitForAcked(event.version || current, timeoutMs);
      // An ACK is not readiness: Envoy may still be initialising its listeners (not LIVE yet).
      await stack.dataPlane?.waitForReady({ timeoutMs });
      return;
    case "nack":
      await stack.tap.waitFor(
        (e) =>
          e.classification === "nack" &&
          e.typeUrl === event.typeUrl &&
          e.answers?.version === (event.version || current),
        `NACK of ${event.typeUrl.split(".").pop()} version "${event.version || current}"`,
        timeoutMs,
      );
      // A bounded observation window, not a settle sleep: the expectation that follows is about an
      // absence (e.g. no resend of the NACKed version), which no event can signal.
      if (event.observeMs > 0) await new Promise((r) => setTimeout(r, event.observeMs));
      return;
    case "cluster-warm":
      await stack.dp.admin.waitForClusterEndpoints(
        event.cluster,
        expectedEndpoints(state, event.cluster) ?? 1,
        {
          timeoutMs,
        },
      );
      return;
    case "listener-ready":
      await stack.dp.listenerAddress(event.listener, { timeoutMs });
      return;
    case "reconnect": {
      const first = Math.min(...stack.tap.entries().map((e) => e.stream));
      const type = event.typeUrl ? `${event.typeUrl.split(".").pop()} ` : "";
      await stack.tap.waitFor(
        (e) =>
          e.direction === "request" && e.stream > first && (!event.typeUrl || e.typeUrl === event.typeUrl),
        `a ${type}request on an xDS stream after the first (stream ${first}): the data plane reconnecting`,
        timeoutMs,
      );
    }
  }
}

/**
 * How many endpoints the applied state gives a cluster: its ClusterLoadAssignment (EDS, by service_name
 * or cluster name) or its inline load_assignment. Undefined when the state does not say (then a warm
 * cluster is one with an endpoint).
 */
export function expectedEndpoints(state: readonly JsonObject[], cluster: string): number | undefined {
  const c = state.find((r) => r["@type"] === CLUSTER_TYPE_URL && r.name === cluster);
  const eds = c?.eds_cluster_config as JsonObject | undefined;
  const serviceName = typeof eds?.service_name === "string" && eds.service_name ? eds.service_name : cluster;
  const cla =
    (c?.load_assignment as JsonObject | undefined) ??
    state.find((r) => r["@type"] === ENDPOINT_TYPE_URL && r.cluster_name === serviceName);
  if (!cla) return undefined;
  const localities = (cla.endpoints ?? []) as JsonObject[];
  return localities.reduce((n, l) => n + ((l.lb_endpoints ?? []) as unknown[]).length, 0);
}

function describe(step: Step): string {
  switch (step.kind) {
    case "apply":
    case "remove":
      return `${step.kind} version ${step.version} (${step.state.length} resources)`;
    case "wait":
      return `wait ${step.event.event}`;
    case "traffic":
      return `traffic ${step.requests} requests at ${step.ratePerSec}/s to ${step.listener}${step.background ? " (background)" : ""}`;
    case "expect":
      return "expect";
  }
}

export function judge(
  step: ExpectStep,
  records: TrafficRecord[],
  entries: readonly TranscriptEntry[] = [],
): ExpectationResult[] {
  const s = summarize(records);
  const out: ExpectationResult[] = [];
  const check = (subject: string, p: Predicate, got: number, of = `${records.length} requests`) => {
    const value = p.percent ? (records.length ? (100 * got) / records.length : 0) : got;
    const ok = compare(value, p);
    out.push({
      line: step.line,
      path: step.path,
      ok,
      message: `${subject}: expected ${p.text.trim()}, got ${got}${of ? ` of ${of}` : ""}${p.percent ? ` (${value.toFixed(2)}%)` : ""}`,
    });
  };
  const xds = transcriptCounts(entries);
  if (step.xds.nacks) check("NACKs", step.xds.nacks, xds.nacks, "");
  if (step.xds.nack_resends) check("resends of a NACKed version", step.xds.nack_resends, xds.nackResends, "");
  // A (re)subscription on a stream that opened in this window: what a data plane asks for after a reconnect.
  const opened = new Set(entries.filter((e) => e.direction === "open").map((e) => e.stream));
  for (const [name, p] of Object.entries(step.resubscribed)) {
    const naming = entries.filter(
      (e) => e.direction === "request" && opened.has(e.stream) && e.resourceNames?.includes(name),
    );
    check(`requests naming "${name}" on streams opened since the previous expect`, p, naming.length, "");
  }
  for (const [b, p] of Object.entries(step.backends)) check(`backend "${b}"`, p, s.byBackend[b] ?? 0);
  if (step.losses) check("lost requests", step.losses, s.losses);
  for (const [code, p] of Object.entries(step.statuses)) check(`status ${code}`, p, s.byStatus[code] ?? 0);
  for (const [flag, p] of Object.entries(step.responseFlags))
    check(
      `response flag ${flag}`,
      p,
      records.filter((r) => r.responseFlags?.split(",").includes(flag)).length,
    );
  return out;
}

/**
 * NACKs, and responses that resend a NACKed version unchanged after the NACK (xds_protocol "ACK and NACK
 * semantics": a control plane should not resend rejected configuration without a change).
 */
export function transcriptCounts(entries: readonly TranscriptEntry[]): {
  nacks: number;
  nackResends: number;
} {
  const nacked = new Set<string>();
  let nacks = 0;
  let nackResends = 0;
  const key = (e: TranscriptEntry, version: string | undefined) =>
    `${e.stream}|${e.typeUrl}|${version}|${(e.resources ?? []).map((r) => `${r.name}@${r.version ?? ""}`).join(",")}`;
  const responses = new Map<string, TranscriptEntry>();
  for (const e of entries) {
    if (e.direction === "response") {
      responses.set(`${e.stream}|${e.nonce}`, e);
      if (nacked.has(key(e, e.versionInfo))) nackResends++;
    } else if (e.classification === "nack") {
      nacks++;
      const answered = responses.get(`${e.stream}|${e.answers?.nonce}`);
      if (answered) nacked.add(key(answered, answered.versionInfo));
    }
  }
  return { nacks, nackResends };
}

function compare(v: number, p: Predicate): boolean {
  switch (p.op) {
    case "=":
      return v === p.value;
    case ">":
      return v > p.value;
    case ">=":
      return v >= p.value;
    case "<":
      return v < p.value;
    case "<=":
      return v <= p.value;
  }
}
