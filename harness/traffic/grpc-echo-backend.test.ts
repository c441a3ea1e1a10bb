import { expect } from "chai";
import * as grpc from "@grpc/grpc-js";
import { callEcho, decodeJson, GrpcEchoBackend } from "./grpc-echo-backend.ts";

describe("GrpcEchoBackend", () => {
  it("answers with its name and counts calls", async () => {
    await using backend = await new GrpcEchoBackend("v1").start();
    expect(backend.address).to.equal(`127.0.0.1:${backend.port}`);
    expect(await callEcho(backend.address)).to.deep.equal({ backend: "v1" });
    expect(await callEcho(backend.address)).to.deep.equal({ backend: "v1" });
    expect(backend.getCount()).to.equal(2);
    backend.resetCount();
    expect(backend.getCount()).to.equal(0);
  });

  it("fails calls with the configured status code", async () => {
    await using backend = await new GrpcEchoBackend("bad").withStatusCode(grpc.status.UNAVAILABLE).start();
    const error = await callEcho(backend.address).then(
      () => undefined,
      (e: grpc.ServiceError) => e,
    );
    expect(error?.code).to.equal(grpc.status.UNAVAILABLE);
    expect(error?.details).to.include("bad");
    expect(backend.getCount()).to.equal(1);
  });

  it("stops idempotently and refuses calls afterwards", async () => {
    const backend = await new GrpcEchoBackend("v2").start();
    await backend.stop();
    await backend.stop();
    const error = await callEcho(backend.address, 1000).then(
      () => undefined,
      (e: grpc.ServiceError) => e,
    );
    expect(error?.code).to.be.oneOf([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]);
  });

  it("rejects names that are not identifiers and unknown status codes", () => {
    expect(() => new GrpcEchoBackend("a b")).to.throw('got "a b"');
    expect(() => new GrpcEchoBackend("x").withStatusCode(99 as grpc.status)).to.throw("got 99");
  });

  it("decodes empty and non-JSON requests leniently", () => {
    expect(decodeJson(Buffer.alloc(0))).to.deep.equal({});
    expect(decodeJson(Buffer.from("nope"))).to.deep.equal({ raw: "nope" });
    expect(decodeJson(Buffer.from('{"seq":3}'))).to.deep.equal({ seq: 3 });
  });
});
