// The command data plane with a stand-in proxy (command-fake-proxy.fixture.mjs): placeholders, definition
// errors, hooks (log readiness, static listener mapping, Prometheus stats) and cleanup. Real Envoy through
// the same adapter runs in test/e2e/dataplanes.test.ts.
import { expect } from "chai";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { isProcessAlive } from "../util/child.ts";
import { projectPath } from "../util/paths.ts";
import { loadCommandDefinition, type CommandDefinitionInput } from "./command-definition.ts";
import { listenerFrom, parseStats } from "./command-hooks.ts";
import { renderTemplate, type TemplateContext } from "./command-template.ts";
import { CommandDataPlane } from "./command.ts";

const FAKE_PROXY = fileURLToPath(new URL("./command-fake-proxy.fixture.mjs", import.meta.url));
const XDS = { mode: "ads", transport: "sotw", address: "127.0.0.1:18000" } as const;

const ctx: TemplateContext = {
  xds: { host: "127.0.0.1", port: 18000, transport: "delta", mode: "ads" },
  node: { id: "n1", cluster: "c1" },
  adminPort: 9901,
  ports: { http: 8080 },
  dir: "/tmp/x",
  bootstrapPath: "/tmp/x/b.yaml",
  vars: { apiType: "DELTA_GRPC" },
  env: { HOME: "/root" },
};

function fakeDefinition(overrides: Partial<CommandDefinitionInput> = {}): CommandDefinitionInput {
  return {
    name: "fake-proxy",
    version: "0.0.1",
    bootstrap: "fake.json",
    command: [process.execPath, FAKE_PROXY, "${bootstrap.path}"],
    variants: { "sotw-ads": {} },
    ports: ["http"],
    started: { http: "http://127.0.0.1:${admin.port}/healthz" },
    ready: { log: "^proxy ready$" },
    admin: {
      configDump: "http://127.0.0.1:${admin.port}/config_dump",
      stats: { url: "http://127.0.0.1:${admin.port}/metrics", format: "prometheus" },
    },
    listeners: { static: { ingress: "127.0.0.1:${ports.http}" } },
    ...overrides,
  };
}

describe("command data plane", () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "xdsc-command-test-"));
    const template = `{"node": "\${node.id}", "xds": "\${xds.address}", "adminPort": \${admin.port}, "listenerPort": \${ports.http}}`;
    await writeFile(join(dir, "fake.json"), template);
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  describe("templates", () => {
    it("replaces every placeholder and keeps $${ literal", () => {
      const text =
        "${xds.address} ${xds.transport} ${node.id}/${node.cluster} ${admin.port} ${ports.http} ${dir} ${bootstrap.path} ${var.apiType} ${env.HOME} $${kept}";
      expect(renderTemplate(text, ctx, "t")).to.equal(
        "127.0.0.1:18000 delta n1/c1 9901 8080 /tmp/x /tmp/x/b.yaml DELTA_GRPC /root ${kept}",
      );
    });

    it("reports every unknown or unset placeholder with its line", () => {
      const template = "a: ${xds.hots}\nb: ${var.nope}\nc: ${env.XDSC_UNSET_FOR_TEST}\n";
      let error: Error | undefined;
      try {
        renderTemplate(template, ctx, "boot.yaml");
      } catch (e) {
        error = e as Error;
      }
      expect(error?.message.split("\n")).to.deep.equal([
        `boot.yaml:1: unknown placeholder \${xds.hots} (known: \${xds.host} \${xds.port} \${xds.address} \${xds.transport} \${xds.mode} \${node.id} \${node.cluster} \${admin.port} \${ports.NAME} \${dir} \${bootstrap.path} \${var.NAME} \${env.NAME})`,
        "boot.yaml:2: ${var.nope} has no value (known: apiType)",
        "boot.yaml:3: ${env.XDSC_UNSET_FOR_TEST} has no value (it is not set)",
      ]);
    });
  });

  describe("definitions", () => {
    it("loads the Envoy definition that ships in fixtures/dataplanes", async () => {
      const definition = await loadCommandDefinition(
        projectPath("fixtures", "dataplanes", "envoy-command.dataplane.yaml"),
      );
      expect(definition.name).to.equal("command-envoy");
      expect(Object.keys(definition.variants)).to.deep.equal(["sotw-ads", "delta-ads"]);
      expect(definition.bootstrapPath).to.equal(projectPath("fixtures", "dataplanes", "envoy-command.yaml"));
    });

    it("rejects a bad definition with every issue by path", () => {
      const bad = {
        ...fakeDefinition(),
        ready: { tcp: 1 },
        command: [],
      } as unknown as CommandDefinitionInput;
      expect(() => CommandDataPlane.fromDefinition(bad)).to.throw(
        /definition "fake-proxy": command: .*\n.*ready/,
      );
      const variant = fakeDefinition({ variants: { "sotw-adz": {} } });
      expect(() => CommandDataPlane.fromDefinition(variant)).to.throw(
        /variants\.sotw-adz: expected one of sotw-ads, delta-ads, .*, got "sotw-adz"/,
      );
    });

    it("refuses a variant the proxy does not declare", async () => {
      const error = await CommandDataPlane.fromDefinition(fakeDefinition(), dir)
        .withXds({ ...XDS, transport: "delta" })
        .start()
        .catch((e: Error) => e);
      expect(String(error)).to.include(
        'command data plane "fake-proxy": expected a variant it supports (sotw-ads), got "delta-ads"',
      );
    });
  });

  it("describes itself for reports without starting: name and the version its definition gives", async () => {
    expect(await CommandDataPlane.fromDefinition(fakeDefinition(), dir).describe()).to.equal(
      "fake-proxy 0.0.1",
    );
    const byCommand = fakeDefinition({
      version: {
        command: [process.execPath, "-e", "console.log('fake-proxy v${var.v}')"],
        pattern: "v(\\S+)",
      },
      variants: { "sotw-ads": { v: "2.3.4" } },
    });
    expect(await CommandDataPlane.fromDefinition(byCommand, dir).describe()).to.equal("fake-proxy 2.3.4");
  });

  describe("with a stand-in proxy", () => {
    it("starts it, answers every hook through the definition, and stop leaves nothing", async () => {
      const dp = await CommandDataPlane.fromDefinition(fakeDefinition(), dir)
        .withNode({ id: "node-7", cluster: "c" })
        .withXds(XDS)
        .start();
      try {
        expect([dp.name, dp.version]).to.deep.equal(["fake-proxy", "0.0.1"]);
        await dp.waitForReady({ timeoutMs: 5_000 });
        const address = await dp.listenerAddress("ingress", { timeoutMs: 5_000 });
        expect(await (await fetch(`http://${address}/`)).text()).to.equal("hello from node-7");
        expect(await dp.getAdmin!().configDump()).to.deep.include({ node: "node-7", xds: "127.0.0.1:18000" });
        expect(await dp.getAdmin!().stats("requests")).to.deep.equal({
          'requests_total{listener="ingress"}': 7,
        });
        const missing = await dp.listenerAddress("egress").catch((e: Error) => e);
        expect(String(missing)).to.include(
          'listeners.static: expected an entry for "egress", got only ingress',
        );
      } finally {
        await dp.stop();
      }
      expect(isProcessAlive(dp.pid)).to.equal(false);
      expect(existsSync(dp.dir)).to.equal(false);
    });

    it("fails start with the exit status and output when the proxy exits at once", async () => {
      const definition = fakeDefinition({ command: [process.execPath, FAKE_PROXY, "/nonexistent.json"] });
      const error = await CommandDataPlane.fromDefinition(definition, dir)
        .withXds(XDS)
        .start()
        .catch((e: Error) => e);
      expect(String(error)).to.match(
        /fake-proxy started .*: gave up after \d+ms: fake-proxy \(pid \d+\) exited \(exit code 1\)/,
      );
      expect(String(error)).to.include("ENOENT");
    });
  });

  describe("hook parsers", () => {
    it("reads listener addresses from Envoy's shape and from a plain map", () => {
      const envoy = {
        listener_statuses: [
          { name: "a", local_address: { socket_address: { address: "::1", port_value: 80 } } },
        ],
      };
      expect(listenerFrom(envoy, "a")).to.deep.equal({ address: "[::1]:80", seen: "" });
      expect(listenerFrom(envoy, "b")).to.deep.equal({ seen: 'listeners ["a"]' });
      expect(listenerFrom({ a: "127.0.0.1:1" }, "a").address).to.equal("127.0.0.1:1");
    });

    it("parses Prometheus text and Envoy's JSON stats", () => {
      expect(parseStats('# HELP x\nx 1\ny{a="b c"} 2.5\nbad line\n', "prometheus")).to.deep.equal({
        x: 1,
        'y{a="b c"}': 2.5,
      });
      expect(parseStats('{"stats":[{"name":"a","value":3},{"histograms":{}}]}', "envoy-json")).to.deep.equal({
        a: 3,
      });
    });
  });
});
