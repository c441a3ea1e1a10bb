import { expect } from "chai";
import { checkResource, decodeResource, encodeResource, CodecError } from "./codec.ts";
import { CLUSTER_TYPE_URL, ENDPOINT_TYPE_URL, LISTENER_TYPE_URL } from "./type-urls.ts";

const listener = {
  name: "ingress",
  address: { socket_address: { address: "127.0.0.1", port_value: 10000 } },
  filter_chains: [
    {
      filters: [
        {
          name: "envoy.filters.network.http_connection_manager",
          typed_config: {
            "@type":
              "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
            stat_prefix: "ingress",
            rds: { route_config_name: "local", config_source: { ads: {}, resource_api_version: "V3" } },
            http_filters: [
              {
                name: "envoy.filters.http.router",
                typed_config: {
                  "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router",
                },
              },
            ],
            stream_idle_timeout: "5s",
            common_http_protocol_options: { idle_timeout: "1.500s" },
          },
        },
      ],
    },
  ],
};
const cluster = {
  name: "backend",
  type: "EDS",
  eds_cluster_config: { eds_config: { ads: {}, resource_api_version: "V3" } },
  connect_timeout: "0.250s",
  lb_policy: "LEAST_REQUEST",
  per_connection_buffer_limit_bytes: 32768,
};
const cla = {
  cluster_name: "backend",
  endpoints: [
    {
      locality: { region: "r1", zone: "z1" },
      load_balancing_weight: 3,
      lb_endpoints: [
        {
          endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: 8081 } } },
          load_balancing_weight: 2,
        },
      ],
    },
    { locality: { region: "r1", zone: "z2" }, load_balancing_weight: 1, priority: 1 },
  ],
};

describe("proto codec", () => {
  for (const [name, typeUrl, json] of [
    ["listener with HCM, router and RDS", LISTENER_TYPE_URL, listener],
    ["EDS cluster with timeouts", CLUSTER_TYPE_URL, cluster],
    ["load assignment with localities and weights", ENDPOINT_TYPE_URL, cla],
  ] as const) {
    it(`round-trips a ${name} through binary unchanged`, () => {
      const back = decodeResource(typeUrl, encodeResource(typeUrl, json));
      expect(back).to.deep.equal(json);
    });
  }

  it("reports unknown fields with their path and a suggestion", () => {
    const bad = structuredClone(listener) as any;
    bad.filter_chains[0].filters[0].typed_config.stat_prefx = "x";
    delete bad.filter_chains[0].filters[0].typed_config.stat_prefix;
    expect(checkResource(LISTENER_TYPE_URL, bad)).to.deep.equal([
      {
        path: "filter_chains[0].filters[0].typed_config.stat_prefx",
        message:
          'unknown field of envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager (did you mean "stat_prefix"?)',
      },
    ]);
  });

  it("rejects a bad duration, an unknown @type and a wrong scalar type", () => {
    const errors = checkResource(CLUSTER_TYPE_URL, {
      name: "c",
      connect_timeout: "5 seconds",
      per_connection_buffer_limit_bytes: "lots",
      typed_extension_protocol_options: { x: { "@type": "type.googleapis.com/no.such.Type" } },
    });
    expect(errors.map((e) => e.path)).to.deep.equal([
      "connect_timeout",
      "per_connection_buffer_limit_bytes",
      'typed_extension_protocol_options["x"].@type',
    ]);
  });

  it("throws a CodecError naming every problem", () => {
    expect(() => encodeResource(CLUSTER_TYPE_URL, { name: 1 })).to.throw(
      CodecError,
      "name: expected a string",
    );
  });
});
