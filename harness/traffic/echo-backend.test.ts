import { expect } from "chai";
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import { EchoBackend, type StartedEchoBackend } from "./echo-backend.ts";

interface Reply {
  status: number;
  backend: string | undefined;
  body: unknown;
}

function getHttp1(port: number, path: string, agent: http.Agent | false = false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path, agent }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          backend: res.headers["x-backend-id"] as string,
          body: JSON.parse(body),
        }),
      );
    });
    req.on("error", reject);
  });
}

async function getH2c(port: number, path: string): Promise<Reply> {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  try {
    return await new Promise<Reply>((resolve, reject) => {
      session.on("error", reject);
      const stream = session.request({ ":path": path, ":method": "GET" }, { endStream: true });
      let status = 0;
      let backend: string | undefined;
      let body = "";
      stream.on("response", (h) => {
        status = Number(h[":status"]);
        backend = h["x-backend-id"] as string;
      });
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => (body += chunk));
      stream.on("end", () => resolve({ status, backend, body: JSON.parse(body) }));
      stream.on("error", reject);
    });
  } finally {
    session.close();
  }
}

function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

describe("traffic/echo-backend", () => {
  const started: StartedEchoBackend[] = [];
  const start = async (backend: EchoBackend) => {
    const handle = await backend.start();
    started.push(handle);
    return handle;
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((b) => b.stop()));
  });

  it("answers HTTP/1.1 with its identity and counts requests", async () => {
    const v1 = await start(new EchoBackend("v1"));
    expect(v1.address).to.equal(`127.0.0.1:${v1.port}`);
    const reply = await getHttp1(v1.port, "/hello?x=1");
    expect(reply).to.deep.equal({
      status: 200,
      backend: "v1",
      body: { backend: "v1", path: "/hello?x=1", method: "GET" },
    });
    await getHttp1(v1.port, "/again");
    expect(v1.getCount()).to.equal(2);
    expect(v1.getConnectionCount()).to.equal(2);
    v1.resetCount();
    expect(v1.getCount()).to.equal(0);
  });

  it("answers HTTP/2 prior knowledge (h2c) with its identity", async () => {
    const v2 = await start(new EchoBackend("v2").withProtocol("h2c"));
    const reply = await getH2c(v2.port, "/h2");
    expect(reply).to.deep.equal({
      status: 200,
      backend: "v2",
      body: { backend: "v2", path: "/h2", method: "GET" },
    });
    expect(v2.getCount()).to.equal(1);
  });

  it("answers with the configured status", async () => {
    const failing = await start(new EchoBackend("down").withStatus(503));
    const reply = await getHttp1(failing.port, "/");
    expect(reply.status).to.equal(503);
    expect(reply.backend).to.equal("down");
  });

  it("stops with idle keep-alive and pending delayed requests open, idempotently", async () => {
    const slow = await start(new EchoBackend("slow").withDelayMs(60_000));
    const agent = new http.Agent({ keepAlive: true });
    try {
      const pending = getHttp1(slow.port, "/", agent).then(
        () => "answered",
        (err: NodeJS.ErrnoException) => err.code,
      );
      const deadline = performance.now() + 5000;
      while (slow.getCount() === 0) {
        if (performance.now() > deadline)
          throw new Error("slow backend: expected 1 request within 5000ms, got 0");
        await new Promise((r) => setTimeout(r, 5));
      }
      const before = performance.now();
      await Promise.all([slow.stop(), slow.stop()]);
      await slow[Symbol.asyncDispose]();
      expect(performance.now() - before, "stop duration ms").to.be.lessThan(1000);
      expect(await pending).to.equal("ECONNRESET");
      expect(await connectOutcome(slow.port)).to.equal("ECONNREFUSED");
    } finally {
      agent.destroy();
    }
  });

  it("stops an h2c backend with an open session", async () => {
    const v2 = await start(new EchoBackend("v2").withProtocol("h2c"));
    const session = http2.connect(`http://127.0.0.1:${v2.port}`);
    session.on("error", () => {});
    try {
      await new Promise((resolve) => session.once("connect", resolve));
      await v2.stop();
      expect(await connectOutcome(v2.port)).to.equal("ECONNREFUSED");
    } finally {
      session.destroy();
    }
  });

  it("rejects names that cannot be a header value and out-of-range statuses", () => {
    expect(() => new EchoBackend("a b")).to.throw(/EchoBackend name: expected .*got "a b"/);
    expect(() => new EchoBackend("v1").withStatus(99)).to.throw(
      /expected an integer in \[200, 599\], got 99/,
    );
  });
});
