import { expect } from "chai";
import { checkResource } from "../proto/codec.ts";
import {
  CLUSTER_TYPE_URL,
  ENDPOINT_TYPE_URL,
  LISTENER_TYPE_URL,
  ROUTE_TYPE_URL,
} from "../proto/type-urls.ts";
import { endpointSliceFor, type EndpointSlice, type Service } from "../clusters/kube-types.ts";
import { classifyEndpoint, resolveEndpoints } from "./endpoints.ts";
import { clusterName, translateServices } from "./services.ts";

function echoService(extra: Partial<Service["spec"]> = {}): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "echo", namespace: "default" },
    spec: { clusterIP: "10.96.0.10", ports: [{ name: "http", port: 80, targetPort: "web" }], ...extra },
  };
}

const PORTS = [{ name: "http", port: 8080, protocol: "TCP" as const }];

function hosts(cla: Record<string, unknown>, priority: number): string[] {
  const groups = cla.endpoints as {
    priority: number;
    lb_endpoints: { endpoint: { address: { socket_address: { address: string } } } }[];
  }[];
  const group = groups.find((g) => g.priority === priority);
  return (group?.lb_endpoints ?? []).map((e) => e.endpoint.address.socket_address.address);
}

describe("translate: Services + EndpointSlices → xDS", () => {
  it("classifies endpoint conditions the way kube-proxy selects endpoints", () => {
    expect(classifyEndpoint({ addresses: ["a"] })).to.equal("ready");
    expect(classifyEndpoint({ addresses: ["a"], conditions: { ready: true } })).to.equal("ready");
    expect(
      classifyEndpoint({ addresses: ["a"], conditions: { ready: false, serving: true, terminating: true } }),
    ).to.equal("serving-terminating");
    expect(
      classifyEndpoint({ addresses: ["a"], conditions: { ready: false, serving: false, terminating: true } }),
    ).to.equal("excluded");
    expect(classifyEndpoint({ addresses: ["a"], conditions: { ready: false } })).to.equal("excluded");
  });

  it("puts ready endpoints at priority 0 and serving-terminating ones at priority 1, dropping the rest", () => {
    const svc = echoService();
    const slice = endpointSliceFor(
      svc,
      [
        { ip: "10.244.0.2" },
        { ip: "10.244.0.3", ready: false, serving: true, terminating: true },
        { ip: "10.244.0.4", ready: false, serving: false, terminating: true },
        { ip: "10.244.0.5", ready: false },
      ],
      PORTS,
    );
    const t = translateServices([svc], [slice]);
    expect(t.endpoints).to.have.length(1);
    expect(hosts(t.endpoints[0]!, 0)).to.deep.equal(["10.244.0.2"]);
    expect(hosts(t.endpoints[0]!, 1)).to.deep.equal(["10.244.0.3"]);
  });

  it("keeps an empty priority 0 when only terminating endpoints serve (priorities must not skip a level)", () => {
    const svc = echoService();
    const slice = endpointSliceFor(
      svc,
      [{ ip: "10.244.0.3", ready: false, serving: true, terminating: true }],
      PORTS,
    );
    const cla = translateServices([svc], [slice]).endpoints[0]!;
    expect(cla.endpoints).to.deep.include({ priority: 0, lb_endpoints: [] });
    expect(hosts(cla, 1)).to.deep.equal(["10.244.0.3"]);
  });

  it("resolves the port by the Service port's name and deduplicates endpoints across slices", () => {
    const svc = echoService();
    const a = endpointSliceFor(
      svc,
      [{ ip: "10.244.0.2", ready: false, serving: true, terminating: true }],
      PORTS,
      "echo-a",
    );
    const b = endpointSliceFor(svc, [{ ip: "10.244.0.2" }], PORTS, "echo-b");
    const other: EndpointSlice = {
      ...endpointSliceFor(svc, [{ ip: "10.244.0.9" }], PORTS, "x"),
      metadata: { name: "x", namespace: "default", labels: { "kubernetes.io/service-name": "other" } },
    };
    const resolved = resolveEndpoints(svc, svc.spec.ports![0]!, [a, b, other]);
    expect(resolved).to.deep.equal([{ ip: "10.244.0.2", port: 8080, class: "ready" }]);
  });

  it("emits one EDS cluster per TCP Service port, an outbound listener and routes by Host and ClusterIP", () => {
    const svc = echoService({
      ports: [
        { name: "http", port: 80 },
        { name: "admin", port: 9000 },
        { name: "dns", port: 53, protocol: "UDP" },
      ],
    });
    const t = translateServices([svc], [], { listenerPort: 15001 });
    expect(t.clusters.map((c) => c.name)).to.deep.equal([
      "outbound|80||echo.default.svc.cluster.local",
      "outbound|9000||echo.default.svc.cluster.local",
    ]);
    expect(t.clusters[0]).to.deep.include({ type: "EDS", lb_policy: "RANDOM" });
    const vhosts = t.routes[0]!.virtual_hosts as { domains: string[] }[];
    expect(vhosts[0]!.domains).to.include.members([
      "echo",
      "echo.default.svc.cluster.local",
      "10.96.0.10",
      "10.96.0.10:80",
    ]);
    expect(vhosts[1]!.domains).to.include("echo.default.svc.cluster.local:9000").and.not.include("echo");
    expect(t.notes.join("\n")).to.match(/port 53\/UDP/);
    expect(t.resources.map((r) => r["@type"])).to.deep.equal([
      CLUSTER_TYPE_URL,
      CLUSTER_TYPE_URL,
      ENDPOINT_TYPE_URL,
      ENDPOINT_TYPE_URL,
      LISTENER_TYPE_URL,
      ROUTE_TYPE_URL,
    ]);
  });

  it("expresses ClientIP affinity as a source-IP ring hash and notes the missing timeout", () => {
    const svc = echoService({
      sessionAffinity: "ClientIP",
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } },
    });
    const t = translateServices([svc], []);
    expect(t.clusters[0]!.lb_policy).to.equal("RING_HASH");
    const route = (t.routes[0]!.virtual_hosts as { routes: { route: Record<string, unknown> }[] }[])[0]!
      .routes[0]!.route;
    expect(route.hash_policy).to.deep.equal([{ connection_properties: { source_ip: true } }]);
    expect(t.notes.join("\n")).to.match(/60s idle timeout/);
  });

  it("skips headless and ExternalName Services with a note, and filters Local traffic policy by node", () => {
    const headless = {
      ...echoService({ clusterIP: "None" }),
      metadata: { name: "hl", namespace: "default" },
    };
    const external = {
      ...echoService({ type: "ExternalName", externalName: "example.invalid" }),
      metadata: { name: "ext", namespace: "default" },
    };
    const local = echoService({ internalTrafficPolicy: "Local" });
    const slice = endpointSliceFor(
      local,
      [
        { ip: "10.244.0.2", nodeName: "n1" },
        { ip: "10.244.0.3", nodeName: "n2" },
      ],
      PORTS,
    );
    const t = translateServices([headless, external, local], [slice], { nodeName: "n1" });
    expect(t.clusters.map((c) => c.name)).to.deep.equal([clusterName(local, local.spec.ports![0]!)]);
    expect(hosts(t.endpoints[0]!, 0)).to.deep.equal(["10.244.0.2"]);
    expect(t.notes.join("\n"))
      .to.match(/headless/)
      .and.match(/ExternalName/);
  });

  it("produces resources that encode against the Envoy schemas", () => {
    const svc = echoService({ sessionAffinity: "ClientIP" });
    const slice = endpointSliceFor(
      svc,
      [
        { ip: "10.244.0.2", podName: "p1" },
        { ip: "10.244.0.3", ready: false, terminating: true, serving: true },
      ],
      PORTS,
    );
    for (const resource of translateServices([svc], [slice]).resources) {
      expect(checkResource(resource["@type"] as string, resource), String(resource["@type"])).to.deep.equal(
        [],
      );
    }
  });
});
