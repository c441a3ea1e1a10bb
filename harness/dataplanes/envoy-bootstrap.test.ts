import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { stringify } from "yaml";
import { FILE_LAYOUT, rewriteConfigSources } from "./config-source.ts";
import { findEnvoy } from "./envoy-binary.ts";
import { envoyBootstrap, parseHostPort } from "./envoy-bootstrap.ts";
import type { XdsClientConfig } from "./types.ts";

const node = {
  id: "node-1",
  cluster: "conformance",
  locality: { region: "r1", zone: "z1", sub_zone: "s1" },
  metadata: { team: "xdsc" },
};

// Resources as fixtures write them: ADS config sources, rewritten per mode by rewriteConfigSources().
const edsCluster = {
  name: "web",
  type: "EDS",
  connect_timeout: "1s",
  eds_cluster_config: { eds_config: { ads: {}, resource_api_version: "V3" } },
};
const rdsListener = {
  name: "ingress",
  address: { socket_address: { address: "127.0.0.1", port_value: 0 } },
  filter_chains: [
    {
      filters: [
        {
          name: "envoy.filters.network.http_connection_manager",
          typed_config: {
            "@type":
              "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
            stat_prefix: "ingress",
            rds: { route_config_name: "routes", config_source: { ads: {}, resource_api_version: "V3" } },
            http_filters: [
              {
                name: "envoy.filters.http.router",
                typed_config: {
                  "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router",
                },
              },
            ],
          },
        },
      ],
    },
  ],
};

const VARIANTS: Record<string, Omit<XdsClientConfig, "fileDir">> = {
  "ads sotw": { mode: "ads", transport: "sotw", address: "127.0.0.1:18000" },
  "ads delta": { mode: "ads", transport: "delta", address: "127.0.0.1:18000", initialFetchTimeoutMs: 500 },
  "per-type sotw": { mode: "per-type", transport: "sotw", address: "127.0.0.1:18000" },
  "per-type delta": { mode: "per-type", transport: "delta", address: "[::1]:18000" },
  rest: { mode: "rest", transport: "sotw", restUrl: "http://127.0.0.1:18001", restRefreshDelayMs: 250 },
  file: { mode: "file", transport: "sotw" },
};

describe("envoyBootstrap", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "xdsc-bootstrap-test-"));
    // Envoy validates that path config sources exist.
    const empty = JSON.stringify({ version_info: "", resources: [] });
    for (const file of [
      FILE_LAYOUT.cds,
      FILE_LAYOUT.lds,
      FILE_LAYOUT.eds("web"),
      FILE_LAYOUT.rds("routes"),
    ]) {
      await writeFile(join(dir, file), empty);
    }
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const [variant, partial] of Object.entries(VARIANTS)) {
    it(`${variant}: envoy --mode validate accepts the bootstrap and the rewritten resources`, async () => {
      const xds: XdsClientConfig = { ...partial, fileDir: dir };
      const bootstrap = envoyBootstrap({ node, xds }) as {
        static_resources: { clusters: unknown[]; listeners?: unknown[] };
      };
      // Static copies of dynamic resources: validate mode then checks their config sources too.
      bootstrap.static_resources.clusters.push(rewriteConfigSources(edsCluster, xds));
      bootstrap.static_resources.listeners = [rewriteConfigSources(rdsListener, xds)];
      const path = join(dir, `${variant.replace(/\W/g, "-")}.yaml`);
      await writeFile(path, stringify(bootstrap));
      const result = await promisify(execFile)(findEnvoy(), [
        "--mode",
        "validate",
        "-c",
        path,
        "--disable-hot-restart",
        "-l",
        "error",
      ]).catch((error: { stdout: string; stderr: string }) => error);
      expect(`${result.stdout}${result.stderr}`).to.include(`configuration '${path}' OK`);
    });
  }

  it("puts node identity and admin on an ephemeral loopback port", () => {
    const bootstrap = envoyBootstrap({ node, xds: VARIANTS["ads sotw"] }) as any;
    expect(bootstrap.node).to.deep.equal(node);
    expect(bootstrap.admin.address.socket_address).to.deep.equal({ address: "127.0.0.1", port_value: 0 });
    expect(bootstrap.dynamic_resources.ads_config.api_type).to.equal("GRPC");
  });

  it("uses HTTP/2 to reach a gRPC server and HTTP/1.1 for REST-JSON", () => {
    const protocolOf = (xds: XdsClientConfig) =>
      (envoyBootstrap({ node, xds }) as any).static_resources.clusters[0].typed_extension_protocol_options[
        "envoy.extensions.upstreams.http.v3.HttpProtocolOptions"
      ].explicit_http_config;
    expect(protocolOf(VARIANTS["per-type delta"])).to.have.key("http2_protocol_options");
    expect(protocolOf(VARIANTS.rest)).to.have.key("http_protocol_options");
  });

  it("subscribes only to the requested bootstrap types", () => {
    const xds: XdsClientConfig = {
      ...VARIANTS["ads sotw"],
      resourceTypes: ["type.googleapis.com/envoy.config.cluster.v3.Cluster"],
    };
    const dynamic = (envoyBootstrap({ node, xds }) as any).dynamic_resources;
    expect(dynamic).to.have.keys("ads_config", "cds_config");
  });

  it("rejects configurations that cannot work, saying which field", () => {
    expect(() =>
      envoyBootstrap({ node, xds: { mode: "rest", transport: "delta", address: "127.0.0.1:1" } }),
    ).to.throw('xds.transport: expected "sotw" for mode "rest", got "delta"');
    expect(() => envoyBootstrap({ node, xds: { mode: "file", transport: "sotw" } })).to.throw(
      "xds.fileDir: expected a directory",
    );
    expect(() => envoyBootstrap({ node, xds: { mode: "ads", transport: "sotw" } })).to.throw(
      'xds.address: expected "host:port"',
    );
    expect(() => parseHostPort("127.0.0.1")).to.throw(
      'xds.address: expected "host:port" (e.g. "127.0.0.1:18000"), got "127.0.0.1"',
    );
    expect(() =>
      envoyBootstrap({ node, xds: { mode: "rest", transport: "sotw", restUrl: "http://127.0.0.1:1/xds" } }),
    ).to.throw("xds.restUrl: expected");
  });
});
