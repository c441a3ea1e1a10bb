import { expect } from "chai";
import { configSourceFor, rewriteConfigSources } from "./config-source.ts";

const cluster = {
  name: "web",
  type: "EDS",
  eds_cluster_config: { eds_config: { ads: {}, initial_fetch_timeout: "2s" } },
};
const hcm = { stat_prefix: "in", rds: { route_config_name: "routes", config_source: { ads: {} } } };

describe("configSourceFor / rewriteConfigSources", () => {
  it("leaves resources alone in ADS mode", () => {
    const out = rewriteConfigSources(cluster, { mode: "ads", transport: "sotw", address: "127.0.0.1:1" });
    expect(out).to.equal(cluster);
  });

  it("points EDS and RDS at the per-type delta service, keeping the fixture's own settings", () => {
    const cfg = {
      mode: "per-type",
      transport: "delta",
      address: "127.0.0.1:1",
      initialFetchTimeoutMs: 500,
    } as const;
    const eds = rewriteConfigSources(cluster, cfg).eds_cluster_config.eds_config as any;
    expect(eds.ads).to.equal(undefined);
    expect(eds.api_config_source.api_type).to.equal("DELTA_GRPC");
    expect(eds.initial_fetch_timeout).to.equal("2s");
    const rds = rewriteConfigSources(hcm, cfg).rds.config_source as any;
    expect(rds).to.deep.equal(configSourceFor(cfg));
    expect(rds.initial_fetch_timeout).to.equal("0.5s");
    expect(cluster.eds_cluster_config.eds_config)
      .to.have.property("ads")
      .and.not.have.property("api_config_source");
  });

  it("names one file per EDS service and per route configuration in file mode", () => {
    const cfg = { mode: "file", transport: "sotw", fileDir: "/srv/xds" } as const;
    const eds = rewriteConfigSources(cluster, cfg).eds_cluster_config.eds_config as any;
    expect(eds.path_config_source).to.deep.equal({
      path: "/srv/xds/eds-web.json",
      watched_directory: { path: "/srv/xds" },
    });
    const named = {
      ...cluster,
      eds_cluster_config: { ...cluster.eds_cluster_config, service_name: "web/v2" },
    };
    expect(
      (rewriteConfigSources(named, cfg).eds_cluster_config.eds_config as any).path_config_source.path,
    ).to.equal("/srv/xds/eds-web%2Fv2.json");
    expect((rewriteConfigSources(hcm, cfg).rds.config_source as any).path_config_source.path).to.equal(
      "/srv/xds/rds-routes.json",
    );
  });

  it("says where an ADS source cannot be expressed as a file", () => {
    const secretUser = { transport_socket: { sds_config: { ads: {} } } };
    expect(() =>
      rewriteConfigSources(secretUser, { mode: "file", transport: "sotw", fileDir: "/x" }),
    ).to.throw('transport_socket.sds_config: expected an EDS or RDS config source for mode "file"');
  });
});
