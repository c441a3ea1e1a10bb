// `xdsc record`: turns a live tap transcript into a repro fixture. Each response that changed the state a
// data plane was served becomes a timeline `apply` (the whole resulting state, `replace: true`); the
// addresses of endpoints and listeners become declared backends and listener ports, so the fixture replays
// anywhere with `xdsc repro` against backends and ports the harness allocates.
import { stringify } from "yaml";
import type { JsonObject } from "../proto/codec.ts";
import {
  CLUSTER_TYPE_URL,
  ENDPOINT_TYPE_URL,
  LISTENER_TYPE_URL,
  allResourcesRequiredInSotW,
} from "../proto/type-urls.ts";
import type { TranscriptEntry } from "./transcript.ts";

type State = Map<string, Map<string, JsonObject>>;

export interface RecordedFixtureOptions {
  name: string;
  upstream: string;
  recordedAt: Date;
}

export function transcriptToFixture(entries: readonly TranscriptEntry[], o: RecordedFixtureOptions): string {
  const states: State[] = [];
  const state: State = new Map();
  for (const e of entries) {
    if (e.direction !== "response" || !e.resources) continue;
    const before = fingerprint(state);
    const byName = state.get(e.typeUrl) ?? new Map<string, JsonObject>();
    if (e.kind !== "delta" && allResourcesRequiredInSotW(e.typeUrl)) byName.clear();
    for (const r of e.resources) if (r.json) byName.set(r.name, r.json);
    for (const n of e.removed ?? []) byName.delete(n);
    state.set(e.typeUrl, byName);
    if (fingerprint(state) !== before) states.push(cloneState(state));
  }
  if (states.length === 0)
    throw new Error("the transcript has no response carrying resources: nothing to record");
  // The initial state is what the data plane had once every type it watched got its first answer.
  const firstTypes = new Set(entries.filter((e) => e.direction === "response").map((e) => e.typeUrl));
  const initialIndex = Math.max(
    0,
    states.findIndex((s) => [...firstTypes].every((t) => s.has(t))),
  );
  const names = new Addresses();
  const render = (s: State) =>
    [...ORDER(s)].flatMap((t) => [...s.get(t)!.values()].map((j) => names.template(t, j)));
  const doc: Record<string, unknown> = {
    name: o.name,
    description: `Recorded from ${o.upstream} at ${o.recordedAt.toISOString()}: ${states.length - initialIndex} state(s).`,
    origin: {
      issue: `recorded with xdsc record from ${o.upstream}`,
      summary: "EDIT ME: what went wrong, and what correct behaviour the expect steps below describe",
    },
    resources: render(states[initialIndex]!),
  };
  const timeline: unknown[] = [{ wait: { event: "ack" } }];
  states.slice(initialIndex + 1).forEach((s, i) => {
    timeline.push({
      apply: { version: `r${i + 2}`, replace: true, resources: render(s), allow_dangling: true },
    });
    timeline.push({ wait: { event: "ack" } });
  });
  const firstListener = names.listeners()[0];
  if (firstListener) {
    timeline.push({ traffic: { listener: firstListener, requests: 100, rate: 100 } });
    timeline.push({ expect: { losses: "=0" } });
  }
  doc.backends = names.backends().map((b) => ({ name: b }));
  doc.listeners = names.listeners();
  doc.timeline = timeline;
  return `# Recorded by xdsc record. Edit origin and the expect steps, then: xdsc repro <this file>\n${stringify(doc, { lineWidth: 0 })}`;
}

function* ORDER(s: State): Generator<string> {
  const order = [CLUSTER_TYPE_URL, ENDPOINT_TYPE_URL, LISTENER_TYPE_URL];
  for (const t of order) if (s.has(t)) yield t;
  for (const t of s.keys()) if (!order.includes(t)) yield t;
}

function fingerprint(s: State): string {
  return JSON.stringify([...s].map(([t, m]) => [t, [...m].sort(([a], [b]) => a.localeCompare(b))]));
}

function cloneState(s: State): State {
  return new Map([...s].map(([t, m]) => [t, new Map(m)]));
}

/** Replaces concrete addresses by harness templates: endpoints → backends, listeners → listener ports. */
class Addresses {
  private readonly byEndpoint = new Map<string, string>();
  private readonly listenerNames = new Set<string>();

  backends(): string[] {
    return [...this.byEndpoint.values()];
  }
  listeners(): string[] {
    return [...this.listenerNames];
  }

  template(typeUrl: string, json: JsonObject): JsonObject {
    const copy = structuredClone(json) as any;
    if (typeUrl === ENDPOINT_TYPE_URL) {
      for (const locality of copy.endpoints ?? [])
        for (const lb of locality.lb_endpoints ?? []) {
          const sa = lb.endpoint?.address?.socket_address;
          if (!sa) continue;
          const key = `${sa.address}:${sa.port_value}`;
          if (!this.byEndpoint.has(key)) this.byEndpoint.set(key, `b${this.byEndpoint.size + 1}`);
          const b = this.byEndpoint.get(key)!;
          lb.endpoint.address.socket_address = {
            ...sa,
            address: `\${backend.${b}.address}`,
            port_value: `\${backend.${b}.port}`,
          };
        }
    }
    if (typeUrl === LISTENER_TYPE_URL && copy.address?.socket_address && typeof copy.name === "string") {
      const name = String(copy.name).replace(/[^A-Za-z0-9_-]/g, "-");
      this.listenerNames.add(name);
      copy.address.socket_address = {
        ...copy.address.socket_address,
        address: "127.0.0.1",
        port_value: `\${listener.${name}.port}`,
      };
    }
    return copy;
  }
}
