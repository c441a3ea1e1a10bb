// Ordering policies: how the reference server moves a node from its served state to a new snapshot.
//
// Envoy's xds_protocol doc, "Eventual consistency considerations": to avoid traffic drop, updates should
// be sequenced make-before-break — CDS first (if any), then EDS for those clusters, then LDS, then RDS for
// those listeners; and after all of that, remove what is no longer referenced (stale clusters and their
// endpoints). The named wrong orders are the known-bad twins the ordering and make-before-break suites
// must catch.
import {
  ALL_RESOURCE_TYPES,
  CLUSTER_TYPE_URL,
  ENDPOINT_TYPE_URL,
  LISTENER_TYPE_URL,
  ROUTE_TYPE_URL,
} from "../proto/type-urls.ts";
import { makeEntry, sameEntries, type Entry, type Snapshot, type State, type TypeState } from "./snapshot.ts";

/** One push: serve `state` for `typeUrl`, optionally wait for the node's ACK/NACK, optionally delay first. */
export interface Step {
  typeUrl: string;
  state: TypeState;
  /**
   * Wait until the node ACKed/NACKed the push — or, for CDS and LDS, until it subscribed to the EDS/RDS
   * names the new clusters/listeners need. Envoy holds a CDS ACK until the new clusters warmed (their EDS
   * arrived) and an LDS ACK until the new listeners' RDS arrived, so waiting for the ACK alone would
   * deadlock; its request for the dependent names is the signal that it processed the push.
   */
  waitForAck: boolean;
  delayMs?: number;
  phase: "add" | "remove" | "set";
}

export const POLICY_NAMES = [
  "make-before-break",
  "as-given",
  "rds-first",
  "lds-before-cds",
  "remove-cluster-first",
  "eds-late",
  "break-before-make",
] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

export interface PolicyOptions {
  /** eds-late: how long EDS is held back after the other types were sent (default 2000). */
  edsDelayMs?: number;
  /**
   * Wrong-order policies: how long each intermediate state is served before the next step (default 400).
   * Without a gap the wrong order can reach Envoy in one read and be applied within microseconds, so no
   * request falls into the broken window and the twin proves nothing; 400ms at 250 req/s is ~100
   * requests that must fail.
   */
  stepGapMs?: number;
}

const ADD_ORDER = [CLUSTER_TYPE_URL, ENDPOINT_TYPE_URL, LISTENER_TYPE_URL, ROUTE_TYPE_URL];
const OTHER_TYPES = ALL_RESOURCE_TYPES.filter((t) => !ADD_ORDER.includes(t));
/** Removal runs the other way: what references a resource goes before the resource itself. */
const REMOVE_ORDER = [LISTENER_TYPE_URL, ROUTE_TYPE_URL, CLUSTER_TYPE_URL, ENDPOINT_TYPE_URL];

export function planSteps(
  policy: PolicyName,
  current: State,
  target: Snapshot,
  opts: PolicyOptions = {},
): Step[] {
  const steps: Step[] = [];
  const gapMs = opts.stepGapMs ?? 400;
  const final = (t: string, waitForAck: boolean, extra: Partial<Step> = {}) => {
    const ts = target.state.get(t);
    if (ts && !unchanged(current.get(t), ts))
      steps.push({ typeUrl: t, state: ts, waitForAck, phase: "set", ...extra });
  };
  // A wrong order, with each intermediate state held for gapMs so the data plane acts on it under load.
  const wrongOrder = (order: string[]) => {
    for (const t of order) final(t, false, steps.length > 0 ? { delayMs: gapMs } : {});
  };
  switch (policy) {
    case "make-before-break": {
      // Phase 1, additions and changes, with removed resources still served.
      const afterAdd = new Map<string, TypeState>();
      for (const t of [...ADD_ORDER, ...OTHER_TYPES]) {
        const union = unionState(current.get(t), target.state.get(t), target.version);
        afterAdd.set(t, union);
        if (!unchanged(current.get(t), union)) {
          const complete = sameEntries(union.entries, target.state.get(t)?.entries ?? new Map());
          steps.push({
            typeUrl: t,
            state: complete ? target.state.get(t)! : union,
            waitForAck: true,
            phase: "add",
          });
        }
      }
      // Phase 2, removals, once nothing the target keeps references them.
      for (const t of [...REMOVE_ORDER, ...OTHER_TYPES]) {
        const ts = target.state.get(t)!;
        if (!unchanged(afterAdd.get(t), ts))
          steps.push({ typeUrl: t, state: ts, waitForAck: true, phase: "remove" });
      }
      return steps;
    }
    case "as-given":
      for (const t of [
        ...target.typeOrder,
        ...ALL_RESOURCE_TYPES.filter((x) => !target.typeOrder.includes(x)),
      ])
        final(t, false);
      return steps;
    case "rds-first":
      wrongOrder([ROUTE_TYPE_URL, LISTENER_TYPE_URL, ENDPOINT_TYPE_URL, CLUSTER_TYPE_URL, ...OTHER_TYPES]);
      return steps;
    case "lds-before-cds":
      wrongOrder([LISTENER_TYPE_URL, ROUTE_TYPE_URL, CLUSTER_TYPE_URL, ENDPOINT_TYPE_URL, ...OTHER_TYPES]);
      return steps;
    case "remove-cluster-first":
      // Clusters go to their final set at once (stale ones removed while routes still point at them).
      wrongOrder([CLUSTER_TYPE_URL, ENDPOINT_TYPE_URL, ROUTE_TYPE_URL, LISTENER_TYPE_URL, ...OTHER_TYPES]);
      return steps;
    case "eds-late":
      // Everything but EDS at once, in the right order otherwise: a new cluster stays warming (Envoy
      // answers 503 NC for it) while routes already point at it.
      for (const t of [CLUSTER_TYPE_URL, LISTENER_TYPE_URL, ROUTE_TYPE_URL, ...OTHER_TYPES]) final(t, false);
      final(ENDPOINT_TYPE_URL, false, { delayMs: opts.edsDelayMs ?? 2000 });
      return steps;
    case "break-before-make": {
      // Withdraws the old endpoints of every changed ClusterLoadAssignment before announcing the new
      // ones (an empty assignment for gapMs), then goes on make-before-break: Envoy has no host (503 UH).
      const eds = current.get(ENDPOINT_TYPE_URL);
      const changed = [...(target.state.get(ENDPOINT_TYPE_URL)?.entries.values() ?? [])].filter(
        (e) => eds?.entries.has(e.name) && eds.entries.get(e.name)!.hash !== e.hash,
      );
      if (eds && changed.length > 0) {
        const entries = new Map(eds.entries);
        for (const e of changed) entries.set(e.name, makeEntry(ENDPOINT_TYPE_URL, { cluster_name: e.name }));
        steps.push({
          typeUrl: ENDPOINT_TYPE_URL,
          state: { version: `${target.version}+break`, entries },
          waitForAck: true,
          phase: "remove",
        });
      }
      const rest = planSteps("make-before-break", current, target, opts);
      if (steps.length > 0 && rest[0]) rest[0] = { ...rest[0], delayMs: gapMs };
      return [...steps, ...rest];
    }
  }
}

function unchanged(a: TypeState | undefined, b: TypeState): boolean {
  return sameEntries(a?.entries ?? new Map(), b.entries);
}

function unionState(
  current: TypeState | undefined,
  target: TypeState | undefined,
  version: string,
): TypeState {
  const entries = new Map<string, Entry>(current?.entries ?? []);
  for (const [k, v] of target?.entries ?? []) entries.set(k, v);
  const complete = sameEntries(entries, target?.entries ?? new Map());
  // An intermediate state gets its own version label, so an ACK of it is never taken for the target's.
  return { version: complete ? version : `${version}+add`, entries };
}
