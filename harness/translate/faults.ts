// Translator fault modes: plausible bugs of a Kubernetes → xDS translator (a mesh control plane), used as
// the parity suite's known-bad twins. Each one breaks exactly one kube-proxy behaviour that the correct
// translation (services.ts, endpoints.ts) keeps, so that the check about that behaviour must fail on it.
// Faults rewrite the translator's input (what a buggy CP would have read) or its output (what it would
// have sent); the correct translator itself is never changed.
import type { JsonObject } from "../proto/codec.ts";
import type { EndpointSlice, Service } from "../clusters/kube-types.ts";
import { classifyEndpoint, slicesOf } from "./endpoints.ts";
import { translateServices, type TranslateOptions, type Translation } from "./services.ts";

export const TRANSLATOR_FAULTS = {
  "drop-terminating":
    "serving-terminating endpoints are left out: no fallback when no endpoint is ready (KEP-1669 ignored)",
  "ignore-affinity": "sessionAffinity ClientIP is ignored: no source-IP hash, requests spread",
  "wrong-port-mapping":
    "slice ports are resolved once per Service and by position, not per slice by name: named target ports and multi-port Services reach the wrong port",
  "ignore-internal-traffic-policy": "internalTrafficPolicy Local is ignored: endpoints on other nodes serve",
  "drop-last-endpoint": "off by one: the last ready endpoint of every Service port is left out",
  "include-not-ready":
    "endpoint conditions are ignored for endpoints neither ready nor terminating: not-ready pods serve",
  "omit-empty-service": "a Service without endpoints gets no cluster and no route (404 instead of 503)",
  "headless-as-cluster-ip":
    "a headless Service (clusterIP None) is translated like a ClusterIP one: a cluster and a route kube-proxy does not have",
} as const;

export type TranslatorFault = keyof typeof TRANSLATOR_FAULTS;

export function isTranslatorFault(name: unknown): name is TranslatorFault {
  return typeof name === "string" && Object.hasOwn(TRANSLATOR_FAULTS, name);
}

/** translateServices with one fault applied (none: the correct translation). */
export function translateWithFault(
  services: Service[],
  slices: EndpointSlice[],
  options: TranslateOptions = {},
  fault?: TranslatorFault,
): Translation {
  if (fault === undefined) return translateServices(services, slices, options);
  let input = { services, slices };
  if (fault === "ignore-affinity")
    input = { services: services.map((s) => withSpec(s, { sessionAffinity: "None" })), slices };
  if (fault === "ignore-internal-traffic-policy")
    input = { services: services.map((s) => withSpec(s, { internalTrafficPolicy: "Cluster" })), slices };
  if (fault === "wrong-port-mapping") input = { services, slices: positionalPorts(services, slices) };
  if (fault === "include-not-ready") input = { services, slices: slices.map(readyExcluded) };
  if (fault === "headless-as-cluster-ip") input = { services: services.map(notHeadless), slices };
  const out = translateServices(input.services, input.slices, options);
  if (fault === "drop-terminating") mapAssignments(out, (groups) => groups.filter((g) => !g.priority));
  if (fault === "drop-last-endpoint")
    mapAssignments(out, (groups) =>
      groups.map((g) => {
        const lb = (g.lb_endpoints as JsonObject[]) ?? [];
        return !g.priority && lb.length > 1 ? { ...g, lb_endpoints: lb.slice(0, -1) } : g;
      }),
    );
  if (fault === "omit-empty-service") omitEmpty(out);
  out.notes.push(`translator fault "${fault}": ${TRANSLATOR_FAULTS[fault]}`);
  out.resources = [...out.clusters, ...out.endpoints, ...out.listeners, ...out.routes];
  return out;
}

function withSpec(service: Service, spec: Partial<Service["spec"]>): Service {
  return { ...service, spec: { ...service.spec, ...spec } };
}

/** Every slice of a Service gets the first slice's port numbers, matched to the Service's ports by index. */
function positionalPorts(services: Service[], slices: EndpointSlice[]): EndpointSlice[] {
  const rewritten = new Map<EndpointSlice, EndpointSlice>();
  for (const service of services) {
    const own = slicesOf(service, slices);
    const first = own[0]?.ports ?? [];
    const ports = (service.spec.ports ?? []).map((p, i) => ({
      name: p.name,
      protocol: p.protocol ?? "TCP",
      port: first[i]?.port,
    }));
    for (const slice of own) rewritten.set(slice, { ...slice, ports });
  }
  return slices.map((s) => rewritten.get(s) ?? s);
}

/** The Service without its "None" cluster IP: what a translator that never looks at it would see. */
function notHeadless(service: Service): Service {
  if (service.spec.clusterIP !== "None") return service;
  const { clusterIP: _none, clusterIPs: _nones, ...spec } = service.spec;
  return { ...service, spec };
}

function readyExcluded(slice: EndpointSlice): EndpointSlice {
  return {
    ...slice,
    endpoints: (slice.endpoints ?? []).map((e) =>
      classifyEndpoint(e) === "excluded" ? { ...e, conditions: { ...e.conditions, ready: true } } : e,
    ),
  };
}

function mapAssignments(out: Translation, fn: (groups: JsonObject[]) => JsonObject[]): void {
  out.endpoints = out.endpoints.map((cla) => ({ ...cla, endpoints: fn(cla.endpoints as JsonObject[]) }));
}

function omitEmpty(out: Translation): void {
  const empty = new Set(
    out.endpoints
      .filter((cla) =>
        (cla.endpoints as JsonObject[]).every((g) => ((g.lb_endpoints as unknown[]) ?? []).length === 0),
      )
      .map((cla) => cla.cluster_name as string),
  );
  out.clusters = out.clusters.filter((c) => !empty.has(c.name as string));
  out.endpoints = out.endpoints.filter((c) => !empty.has(c.cluster_name as string));
  out.routes = out.routes.map((rc) => ({
    ...rc,
    virtual_hosts: (rc.virtual_hosts as JsonObject[]).filter(
      (vh) => !(vh.routes as JsonObject[]).some((r) => empty.has((r.route as JsonObject).cluster as string)),
    ),
  }));
}
