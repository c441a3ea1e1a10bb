import { expect } from "chai";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isLoss } from "../traffic/traffic-record.ts";
import type { RpcRecord } from "./grpc-client-process/protocol.ts";
import { GrpcGoClient } from "./grpc-go.ts";
import { GrpcJsClient } from "./grpc-js.ts";
import {
  checkProxylessXds,
  CLIENT_CONSTRAINTS_LABEL,
  clientConstraintsEvidence,
  constraintsOf,
  grpcBootstrap,
  httpStatusOfGrpcCode,
  PROXYLESS_CONSTRAINTS,
  toTrafficRecord,
} from "./proxyless.ts";
import { CLIENT_CONSTRAINTS_EVIDENCE } from "../report/summary-md.ts";

const times = { seq: 4, scheduledAt: 1, sentAt: 2, endedAt: 5, latencyMs: 3 };

describe("proxyless helpers", () => {
  it("accepts sotw-ads only and names the variant it got", async () => {
    expect(checkProxylessXds("grpc-js", { address: "127.0.0.1:1", transport: "sotw", mode: "ads" })).to.equal(
      "127.0.0.1:1",
    );
    expect(() => checkProxylessXds("grpc-js", { address: "a", transport: "delta", mode: "ads" })).to.throw(
      "grpc-js: supports sotw-ads only, got delta-ads",
    );
    expect(() => checkProxylessXds("grpc-go", { transport: "sotw", mode: "rest" })).to.throw(
      "grpc-go: supports sotw-ads only, got rest",
    );
    expect(() => checkProxylessXds("grpc-go", undefined)).to.throw("expected withXds(...)");
  });

  it("start() rejects unsupported variants before building or spawning anything", async () => {
    const xds = { address: "127.0.0.1:1", transport: "sotw", mode: "per-type" } as const;
    for (const [builder, name] of [
      [new GrpcJsClient(), "grpc-js"],
      [new GrpcGoClient().withBinary("/nonexistent"), "grpc-go"],
    ] as const) {
      const error = await builder
        .withXds(xds)
        .start()
        .then(
          () => undefined,
          (e: Error) => e,
        );
      expect(error?.message).to.equal(`${name}: supports sotw-ads only, got sotw-per-type`);
    }
  });

  it("start() fails fast with the exit status and log when the client exits before connecting", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xdsc-proxyless-test-"));
    try {
      const fake = join(dir, "fake-client");
      await writeFile(fake, "#!/bin/sh\necho 'no bootstrap for you' >&2\nexit 3\n");
      await chmod(fake, 0o755);
      const started = Date.now();
      const error = await new GrpcGoClient()
        .withBinary(fake)
        .withXds({ address: "127.0.0.1:1", transport: "sotw", mode: "ads" })
        .start()
        .then(
          () => undefined,
          (e: Error) => e,
        );
      expect(error?.message).to.include(
        "expected a connection on the control socket, got exit (exit code 3)",
      );
      expect(error?.message).to.include("no bootstrap for you");
      expect(Date.now() - started).to.be.lessThan(5000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("writes a bootstrap with a node locality, which grpc-js-xds requires", () => {
    const bootstrap = grpcBootstrap({ id: "n1", cluster: "c" }, "127.0.0.1:9") as Record<string, any>;
    expect(bootstrap.xds_servers).to.deep.equal([
      { server_uri: "127.0.0.1:9", channel_creds: [{ type: "insecure" }], server_features: ["xds_v3"] },
    ]);
    expect(bootstrap.node).to.deep.equal({ id: "n1", cluster: "c", locality: {} });
  });

  it("maps OK to 200 with the backend, and failures to HTTP-like statuses and error kinds", () => {
    expect(toTrafficRecord({ ...times, status: "OK", backend: "v1" })).to.deep.equal({
      ...times,
      status: 200,
      backend: "v1",
    });
    const cases: [RpcRecord, number, string | undefined][] = [
      [
        { ...times, status: "UNAVAILABLE", error: "connect ECONNREFUSED 127.0.0.1:1" },
        503,
        "connect-refused",
      ],
      [{ ...times, status: "UNAVAILABLE", error: "no children" }, 503, "other"],
      [{ ...times, status: "DEADLINE_EXCEEDED", error: "deadline" }, 504, "timeout"],
      [{ ...times, status: "INTERNAL", error: "bad frame" }, 500, "protocol"],
      [{ ...times, status: "NOT_FOUND", error: "no such method" }, 404, undefined],
    ];
    for (const [record, status, kind] of cases) {
      const out = toTrafficRecord(record);
      expect(out.status, record.status).to.equal(status);
      expect(out.error, record.status).to.equal(kind);
      expect(out.errorMessage).to.equal(`${record.status}: ${record.error}`);
    }
    expect(isLoss(toTrafficRecord(cases[1]![0]))).to.equal(true);
    expect(httpStatusOfGrpcCode("SOMETHING_NEW")).to.equal(500);
  });

  it("lists constraints as data with a reason each", () => {
    expect(PROXYLESS_CONSTRAINTS.length).to.be.greaterThan(4);
    for (const c of PROXYLESS_CONSTRAINTS) expect(c.why.length, c.constraint).to.be.greaterThan(10);
  });

  it("gives each client gRPC's common constraints and its own, as a report evidence item", () => {
    const js = constraintsOf("grpc-js");
    const go = constraintsOf("grpc-go");
    expect(new Set(js.map((c) => c.client))).to.deep.equal(new Set(["grpc", "grpc-js"]));
    expect(go.every((c) => c.client === "grpc")).to.equal(true);
    expect(js.length).to.equal(
      go.length + PROXYLESS_CONSTRAINTS.filter((c) => c.client === "grpc-js").length,
    );
    const evidence = clientConstraintsEvidence("grpc-js");
    // summary.md finds these by label; the two modules must not drift apart.
    expect(evidence.label).to.equal(CLIENT_CONSTRAINTS_LABEL).and.to.equal(CLIENT_CONSTRAINTS_EVIDENCE);
    expect(evidence.content).to.deep.equal(js);
    expect(evidence.excerpt.split("\n")).to.have.length(js.length);
    expect(evidence.excerpt).to.include("[grpc-js] bootstrap node has a locality (may be {})");
  });
});
