import { expect } from "chai";
import { checkResource } from "../proto/codec.ts";
import { endpointSliceFor, type Service } from "../clusters/kube-types.ts";
import { translateServices } from "./services.ts";
import { isTranslatorFault, translateWithFault, TRANSLATOR_FAULTS, type TranslatorFault } from "./faults.ts";

type Json = Record<string, any>;

function service(
  extra: Partial<Service["spec"]> = {},
  ports = [{ name: "http", port: 80, targetPort: "web" }],
): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "echo", namespace: "default" },
    spec: { clusterIP: "10.96.0.10", ports, ...extra },
  };
}

const HTTP = [{ name: "http", port: 8080, protocol: "TCP" as const }];

/** "ip:port" per priority of the first ClusterLoadAssignment. */
function hosts(t: { endpoints: Json[] }, clusterIndex = 0): Record<number, string[]> {
  const out: Record<number, string[]> = {};
  for (const g of t.endpoints[clusterIndex]!.endpoints as Json[])
    out[g.priority ?? 0] = (g.lb_endpoints as Json[]).map(
      (e) => `${e.endpoint.address.socket_address.address}:${e.endpoint.address.socket_address.port_value}`,
    );
  return out;
}

describe("translate: translator fault modes (parity twins)", () => {
  it("without a fault is the correct translation", () => {
    const s = service();
    const slices = [endpointSliceFor(s, [{ ip: "10.244.0.2" }], HTTP)];
    expect(translateWithFault([s], slices)).to.deep.equal(translateServices([s], slices));
  });

  it("every fault yields resources that pass the proto check and names itself in notes", () => {
    const s = service({ sessionAffinity: "ClientIP", internalTrafficPolicy: "Local" });
    const slices = [endpointSliceFor(s, [{ ip: "10.244.0.2", nodeName: "n1" }, { ip: "10.244.0.3" }], HTTP)];
    for (const fault of Object.keys(TRANSLATOR_FAULTS) as TranslatorFault[]) {
      const t = translateWithFault([s], slices, { nodeName: "n1" }, fault);
      for (const r of t.resources) expect(checkResource(r["@type"] as string, r), fault).to.deep.equal([]);
      expect(t.notes.join("\n")).to.contain(`"${fault}"`);
    }
    expect(isTranslatorFault("drop-terminating")).to.equal(true);
    expect(isTranslatorFault("nope")).to.equal(false);
  });

  it("drop-terminating leaves out priority 1; drop-last-endpoint the last ready one", () => {
    const s = service();
    const slices = [
      endpointSliceFor(
        s,
        [
          { ip: "10.244.0.2" },
          { ip: "10.244.0.3" },
          { ip: "10.244.0.4", ready: false, serving: true, terminating: true },
        ],
        HTTP,
      ),
    ];
    expect(hosts(translateWithFault([s], slices))).to.deep.equal({
      0: ["10.244.0.2:8080", "10.244.0.3:8080"],
      1: ["10.244.0.4:8080"],
    });
    expect(hosts(translateWithFault([s], slices, {}, "drop-terminating"))).to.deep.equal({
      0: ["10.244.0.2:8080", "10.244.0.3:8080"],
    });
    expect(hosts(translateWithFault([s], slices, {}, "drop-last-endpoint"))[0]).to.deep.equal([
      "10.244.0.2:8080",
    ]);
  });

  it("ignore-affinity drops the ring hash; ignore-internal-traffic-policy keeps remote endpoints", () => {
    const s = service({ sessionAffinity: "ClientIP", internalTrafficPolicy: "Local" });
    const slices = [
      endpointSliceFor(
        s,
        [
          { ip: "10.244.0.2", nodeName: "n1" },
          { ip: "10.244.0.3", nodeName: "n2" },
        ],
        HTTP,
      ),
    ];
    expect(translateWithFault([s], slices, { nodeName: "n1" }).clusters[0]!.lb_policy).to.equal("RING_HASH");
    expect(
      translateWithFault([s], slices, { nodeName: "n1" }, "ignore-affinity").clusters[0]!.lb_policy,
    ).to.equal("RANDOM");
    expect(hosts(translateWithFault([s], slices, { nodeName: "n1" }))[0]).to.deep.equal(["10.244.0.2:8080"]);
    expect(
      hosts(translateWithFault([s], slices, { nodeName: "n1" }, "ignore-internal-traffic-policy"))[0],
    ).to.have.length(2);
  });

  it("wrong-port-mapping takes the first slice's numbers by position", () => {
    const s = service({}, [
      { name: "web", port: 80, targetPort: 8080 },
      { name: "admin", port: 81, targetPort: 9090 },
    ] as never);
    const ports = [
      { name: "admin", port: 9090, protocol: "TCP" as const },
      { name: "web", port: 8080, protocol: "TCP" as const },
    ];
    const slices = [endpointSliceFor(s, [{ ip: "10.244.0.2" }], ports)];
    const good = translateWithFault([s], slices);
    const bad = translateWithFault([s], slices, {}, "wrong-port-mapping");
    expect([hosts(good, 0)[0], hosts(good, 1)[0]]).to.deep.equal([["10.244.0.2:8080"], ["10.244.0.2:9090"]]);
    expect([hosts(bad, 0)[0], hosts(bad, 1)[0]]).to.deep.equal([["10.244.0.2:9090"], ["10.244.0.2:8080"]]);
  });

  it("include-not-ready serves excluded endpoints; omit-empty-service drops the cluster and its route", () => {
    const s = service();
    const notReady = [endpointSliceFor(s, [{ ip: "10.244.0.2" }, { ip: "10.244.0.3", ready: false }], HTTP)];
    expect(hosts(translateWithFault([s], notReady))[0]).to.deep.equal(["10.244.0.2:8080"]);
    expect(hosts(translateWithFault([s], notReady, {}, "include-not-ready"))[0]).to.have.length(2);
    const empty = [endpointSliceFor(s, [], HTTP)];
    const t = translateWithFault([s], empty, {}, "omit-empty-service");
    expect([
      t.clusters.length,
      t.endpoints.length,
      (t.routes[0]!.virtual_hosts as Json[]).length,
    ]).to.deep.equal([0, 0, 0]);
  });
});
